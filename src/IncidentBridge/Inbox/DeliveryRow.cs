namespace IncidentBridge.Inbox;

/// <summary>A delivery as stored (times in Unix milliseconds).</summary>
internal sealed record DeliveryRow(
    long Seq,
    string DeliveryId,
    string Source,
    string State,
    long ReceivedAt,
    long Attempts,
    long NextAttemptAt,
    long? ProcessedAt,
    string? EventId,
    string? LastError)
{
    public DeliverySummary ToSummary() => new(
        DeliveryId,
        Source,
        State,
        DateTimeOffset.FromUnixTimeMilliseconds(ReceivedAt),
        Attempts,
        State == DeliveryState.Pending ? DateTimeOffset.FromUnixTimeMilliseconds(NextAttemptAt) : null,
        ProcessedAt is { } processed ? DateTimeOffset.FromUnixTimeMilliseconds(processed) : null,
        EventId,
        LastError);
}
