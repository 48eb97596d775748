namespace IncidentBridge.Inbox;

/// <summary>A webhook body to store. <paramref name="EventId"/> and <paramref name="WebhookId"/> identify a sender's retry.</summary>
internal sealed record IncomingDelivery(string Source, string ContentType, byte[] Body, string? EventId, string? WebhookId);
