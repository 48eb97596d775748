namespace IncidentBridge.Ingest;

/// <summary>The 202 body: the delivery's id, and whether it repeats one already stored (no second effect).</summary>
internal sealed record DeliveryAccepted(string DeliveryId, bool Duplicate);
