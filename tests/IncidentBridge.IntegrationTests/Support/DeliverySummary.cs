namespace IncidentBridge.IntegrationTests.Support;

/// <summary>One delivery as <c>/api/deliveries</c> reports it.</summary>
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
