namespace IncidentBridge.Inbox;

internal sealed record DeliverySummary(
    string DeliveryId,
    string Source,
    string State,
    DateTimeOffset ReceivedAt,
    long Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? ProcessedAt,
    string? EventId,
    string? LastError);
