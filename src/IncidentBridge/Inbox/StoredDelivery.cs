namespace IncidentBridge.Inbox;

/// <summary>A committed delivery; <paramref name="Duplicate"/> when it repeats one stored before (the earlier id is returned).</summary>
internal sealed record StoredDelivery(string Id, bool Duplicate);
