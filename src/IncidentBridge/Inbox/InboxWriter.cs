using System.Threading.Channels;

namespace IncidentBridge.Inbox;

/// <summary>
/// Group commit: webhook requests queue their delivery here and wait; one loop writes everything queued
/// so far in a single transaction, and a second makes the commits durable (one fsync for many deliveries) and answers
/// each waiter. A waiter hears "stored" only after its commit is on disk, or an <see cref="InboxUnavailableException"/>.
/// </summary>
internal sealed partial class InboxWriter(
    InboxDatabase inbox,
    InboxSignal signal,
    InboxMetrics metrics,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<InboxWriter> logger) : BackgroundService
{
    private readonly IDatabase _database = inbox.Database;

    private readonly Channel<PendingWrite> _queue = Channel.CreateBounded<PendingWrite>(
        new BoundedChannelOptions(options.Value.CommitBatchSize * 8) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Channel<CommittedGroup> _committed = Channel.CreateUnbounded<CommittedGroup>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public async Task<StoredDelivery> AcceptAsync(IncomingDelivery delivery, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(delivery);
        using var waiting = metrics.WaitingForCommit();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await _queue.Writer.WriteAsync(pending, linked.Token);
            return await pending.Completion.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InboxUnavailableException($"storage did not commit within {timeout.TotalSeconds:0.#} s");
        }
        catch (ChannelClosedException)
        {
            throw new InboxUnavailableException("the worker is shutting down");
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking new deliveries; the loop drains what is queued before it ends.
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Commits and syncs overlap: while one group's commit is flushed to disk, the next group commits.
        var syncing = SyncLoopAsync();
        try
        {
            var batch = new List<PendingWrite>(options.Value.CommitBatchSize);
            // Not cancelled by stoppingToken: every queued request was promised an answer.
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < options.Value.CommitBatchSize && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await CommitAsync([.. batch]);
                batch.Clear();
            }
        }
        finally
        {
            _committed.Writer.TryComplete();
            await syncing;
        }
    }

    private async Task CommitAsync(PendingWrite[] group)
    {
        var results = new StoredDelivery[group.Length];
        try
        {
            await using var connection = await _database.OpenForGroupCommitAsync(CancellationToken.None);
            await using var statements = CachedStatements.KeepOn(connection); // compiled once per group, not per delivery
            using var turn = await _database.WaitWriteTurnAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            // Stamped once the file is ours, so received_at (where the processing lag starts) is the commit's time.
            var now = time.GetUtcNow();
            for (var i = 0; i < group.Length; i++)
            {
                results[i] = await InboxStore.InsertInAsync(transaction, Guid.CreateVersion7(now).ToString(), group[i].Delivery, now.ToUnixTimeMilliseconds());
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogCommitFailed(ex, group.Length);
            Refuse(group, ex);
            return;
        }

        metrics.Committed(group.Length);
        signal.Notify();
        _committed.Writer.TryWrite(new CommittedGroup(group, results));
    }

    /// <summary>
    /// Answers committed groups once they are on disk (<see cref="IDatabase.SyncCommitsAsync"/>): every group committed
    /// while the last sync ran shares the next one, and the write turn is not held through any of them, so the processor
    /// and the next group's commit go on meanwhile. Where commits are durable when they return, the sync is nothing.
    /// </summary>
    private async Task SyncLoopAsync()
    {
        var groups = new List<CommittedGroup>();
        while (await _committed.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (_committed.Reader.TryRead(out var next))
            {
                groups.Add(next);
            }

            try
            {
                await _database.SyncCommitsAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Committed but maybe not on disk: not "stored" to anyone, so the senders retry (a repeat is recognised).
                LogCommitFailed(ex, groups.Sum(g => g.Writes.Length));
                groups.ForEach(g => Refuse(g.Writes, ex));
                groups.Clear();
                continue;
            }

            foreach (var (writes, results) in groups)
            {
                for (var i = 0; i < writes.Length; i++)
                {
                    LogStored(writes[i].Delivery.Source, results[i].Id, results[i].Duplicate);
                    writes[i].Completion.TrySetResult(results[i]);
                }
            }

            groups.Clear();
        }
    }

    private static void Refuse(PendingWrite[] writes, Exception ex)
    {
        foreach (var pending in writes)
        {
            pending.Completion.TrySetException(new InboxUnavailableException("storage refused the write", ex));
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Stored {Source} delivery {DeliveryId} (duplicate: {Duplicate})")]
    private partial void LogStored(string source, string deliveryId, bool duplicate);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Could not commit {Count} deliveries: their senders get 503 and retry")]
    private partial void LogCommitFailed(Exception exception, int count);

    private sealed record CommittedGroup(PendingWrite[] Writes, StoredDelivery[] Results);

    private sealed class PendingWrite(IncomingDelivery delivery)
    {
        public IncomingDelivery Delivery { get; } = delivery;

        public TaskCompletionSource<StoredDelivery> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// A webhook body to store. <paramref name="EventId"/> and <paramref name="WebhookId"/> identify a sender's retry.
/// Deliveries with the same <paramref name="OrderKey"/> (an Alertmanager group key, a PagerDuty incident) are processed
/// one at a time in order of arrival, replicas or not; without one, those of the same source are.
/// <paramref name="Lane"/> names the stream it arrived in (an Alertmanager route); claims take turns between lanes, so a
/// storm in one does not hold up another (<see cref="InboxStore.ClaimDueAsync"/>). Without one, the source is the lane.
/// </summary>
internal sealed record IncomingDelivery(string Source, string ContentType, byte[] Body, string? EventId, string? WebhookId, string? EventType = null, string? OrderKey = null, string? Lane = null)
{
    /// <summary>The hash of the delivery's order key, stored with it: deliveries of one hash are claimed in order of arrival.</summary>
    public long OrderHash => Fnv1a(OrderKey ?? Source);

    /// <summary>The inbox shard (<see cref="InboxStore.Shards"/>) of the delivery's order key: held back together after a failure in a batch.</summary>
    public int Shard => (int)(OrderHash % InboxStore.Shards);

    /// <summary>The hash of the delivery's lane, stored with it.</summary>
    public long LaneHash => Fnv1a(Lane ?? Source);

    /// <summary>A stable hash (FNV-1a, 32 bits), the same in every replica and version.</summary>
    private static long Fnv1a(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

/// <summary>A committed delivery; <paramref name="Duplicate"/> when it repeats one stored before (the earlier id is returned).</summary>
internal sealed record StoredDelivery(string Id, bool Duplicate);

/// <summary>The inbox could not commit a delivery: the webhook must answer 503 so the sender retries.</summary>
internal sealed class InboxUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
