namespace IncidentBridge.Inbox;

/// <summary>A delivery leased to this worker for processing. <paramref name="Attempts"/> counts this one.</summary>
internal sealed record ClaimedDelivery(long Seq, string Id, string Source, long ReceivedAt, byte[] Body, long Attempts)
{
    public DateTimeOffset ReceivedAtTime => DateTimeOffset.FromUnixTimeMilliseconds(ReceivedAt);
}
