namespace IncidentBridge.Inbox;

/// <summary>
/// Turns one stored delivery of a source into records: the inbox's one way out, implemented by Correlation's
/// <c>AlertmanagerDeliveryHandler</c> and <c>PagerDutyDeliveryHandler</c>. Runs inside the processor's transaction, so
/// its writes and the delivery's <c>done</c> mark (on SQLite its processed mark) commit together; throwing rolls its
/// writes back and schedules a retry. Should be idempotent all the same: a crash loses the processor's last commits
/// (they do not wait for the disk), and their deliveries are handled again.
/// </summary>
internal interface IDeliveryHandler
{
    string Source { get; }

    /// <summary>
    /// What the handler can read of a delivery without the database (its body parsed, values derived from it), worked out
    /// on another thread while the delivery before it is handled (<c>InboxProcessor</c>), so that the main database's one
    /// writer spends its turn on the database. Must depend on the delivery alone, and be left unchanged by its handling: a
    /// delivery done again at once (a conflict with another replica's transaction) is handed the same. A failure here is
    /// not reported: the handler meets it again in the transaction, where it is retried or dead-lettered.
    /// </summary>
    object? Prepare(ClaimedDelivery delivery) => null;

    Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Handles the delivery with what <see cref="Prepare"/> returned for it, or null when it was not read ahead.</summary>
    Task HandleAsync(ClaimedDelivery delivery, object? prepared, DbTransaction transaction, CancellationToken cancellationToken) =>
        HandleAsync(delivery, transaction, cancellationToken);
}

/// <summary>
/// A delivery leased to this worker for processing. <paramref name="Attempts"/> counts this one; <paramref name="EventType"/>
/// is the kind a sender names outside the body (GitHub's <c>X-GitHub-Event</c>), else null; <paramref name="Shard"/> is the
/// inbox shard its order key put it in.
/// </summary>
internal sealed record ClaimedDelivery(long Seq, string Id, string Source, long ReceivedAt, byte[] Body, long Attempts, string? EventType = null, long Shard = 0)
{
    public DateTimeOffset ReceivedAtTime => DateTimeOffset.FromUnixTimeMilliseconds(ReceivedAt);
}
