using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBridge.Inbox;

/// <summary>
/// Takes committed deliveries in order and hands each to its source's handler. A claimed batch is
/// processed in short transactions with a savepoint per delivery: a failing delivery is rolled back
/// alone and rescheduled with back-off (or dead-lettered), the others commit with it.
/// Claims are leases, so a crashed worker's deliveries are picked up again when the lease ends.
/// </summary>
internal sealed partial class InboxProcessor : BackgroundService
{
    private readonly IDatabase _database;
    private readonly InboxStore _store;
    private readonly Dictionary<string, IDeliveryHandler> _handlers;
    private readonly InboxSignal _signal;
    private readonly InboxMetrics _metrics;
    private readonly InboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InboxProcessor> _logger;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>
    /// How many times in a row a delivery is done again at once after the database gave it up for another replica's
    /// transaction (<see cref="IDatabase.IsConflict"/>); past that it is retried with back-off like any failure.
    /// </summary>
    private const int ConflictRetries = 5;

    public InboxProcessor(
        IDatabase database,
        InboxStore store,
        IEnumerable<IDeliveryHandler> handlers,
        InboxSignal signal,
        InboxMetrics metrics,
        IOptions<InboxOptions> options,
        TimeProvider time,
        ILogger<InboxProcessor> logger)
    {
        _database = database;
        _store = store;
        _handlers = handlers.ToDictionary(h => h.Source, StringComparer.Ordinal);
        _signal = signal;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>True while the loop runs (or processing is switched off on purpose); read by <c>/readyz</c>.</summary>
    public bool Healthy { get; private set; } = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.ProcessingEnabled)
        {
            LogDisabled();
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                // The batch itself is not cancelled on shutdown: it is short, and finishing it
                // leaves no lease behind for the next start to wait out.
                processed = await ProcessBatchAsync(CancellationToken.None);
                Healthy = true;
            }
            catch (Exception ex)
            {
                Healthy = false;
                LogBatchFailed(ex);
            }

            if (processed < _options.ProcessBatchSize)
            {
                try
                {
                    await _signal.WaitAsync(_options.PollInterval, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Claims and processes one batch of due deliveries; returns how many it claimed. With replicas on one database, each
    /// claims shards of the inbox that no other holds (<see cref="InboxStore.ClaimDueAsync"/>), and they process side by side.
    /// </summary>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var claimed = await _store.ClaimDueAsync(_owner, now.ToUnixTimeMilliseconds(), (now + _options.LeaseDuration).ToUnixTimeMilliseconds(), _options.ProcessBatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        // Losing this work's last commits to a power cut only leaves their deliveries pending, to be processed again.
        await using var connection = await _database.OpenForReplayableWorkAsync(cancellationToken);
        await using var statements = CachedStatements.KeepOn(connection);
        var heldBack = new HashSet<long>();
        var next = 0;
        while (next < claimed.Count)
        {
            next += await ProcessSomeAsync(connection, claimed, next, heldBack, cancellationToken);
        }

        return claimed.Count;
    }

    /// <summary>
    /// Processes claimed deliveries from <paramref name="first"/> in one transaction, until they run out, or until the
    /// transaction has worked for <see cref="InboxOptions.TransactionBudget"/> and a writer (a webhook's group commit) waits
    /// for its turn; returns how many it took. So a 202 waits for at most one budget, and with nobody waiting the whole
    /// claim commits at once, writing each page it touches once. The rest of the claim stays leased for the next call.
    /// On a shared database each delivery commits on its own: what correlation locks (its keys, the incidents it
    /// changes, the year's incident counter) is held for one delivery, so another replica waits for no more than that.
    /// A delivery of a shard in <paramref name="heldBack"/> (an earlier one of the batch failed or was lost) is given back
    /// unattempted, so the shard stays in order (<see cref="InboxStore.ClaimDueAsync"/>).
    /// </summary>
    private async Task<int> ProcessSomeAsync(DbConnection connection, IReadOnlyList<ClaimedDelivery> claimed, int first, HashSet<long> heldBack, CancellationToken cancellationToken)
    {
        var outcomes = new List<(ClaimedDelivery Delivery, string Outcome, string? Error)>();
        using (await _database.WaitWriteTurnAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var started = _time.GetTimestamp();
            do
            {
                var delivery = claimed[first + outcomes.Count];
                if (heldBack.Contains(delivery.Shard))
                {
                    await InboxStore.DeferInAsync(transaction, delivery.Seq, _owner, _time.GetUtcNow().ToUnixTimeMilliseconds());
                    outcomes.Add((delivery, "deferred", null));
                    continue;
                }

                var outcome = await ProcessOneAsync(transaction, delivery, cancellationToken);
                if (outcome.Outcome is "retry" or "lost")
                {
                    heldBack.Add(delivery.Shard);
                }

                outcomes.Add(outcome);
            }
            while (first + outcomes.Count < claimed.Count && !_database.Shared && !(_database.WriteTurnWanted && _time.GetElapsedTime(started) >= _options.TransactionBudget));

            await transaction.CommitAsync(cancellationToken);
        }

        _metrics.ProcessedTogether(outcomes.Count);
        Report(outcomes);
        return outcomes.Count;
    }

    private async Task<(ClaimedDelivery Delivery, string Outcome, string? Error)> ProcessOneAsync(DbTransaction transaction, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        const string savepoint = "delivery";
        for (var conflicts = 0; ; conflicts++)
        {
            await transaction.SaveAsync(savepoint, cancellationToken);
            try
            {
                if (!_handlers.TryGetValue(delivery.Source, out var handler))
                {
                    throw new InvalidOperationException($"No handler for source '{delivery.Source}'.");
                }

                await handler.HandleAsync(delivery, transaction, cancellationToken);
                var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (!await InboxStore.CompleteInAsync(transaction, delivery.Seq, _owner, nowMs))
                {
                    // Our lease ran out and another worker took the delivery: leave it to that one.
                    await transaction.RollbackAsync(savepoint, cancellationToken);
                    return (delivery, "lost", null);
                }

                await transaction.ReleaseAsync(savepoint, cancellationToken);
                return (delivery, DeliveryState.Done, null);
            }
            catch (Exception ex) when (_database.IsConflict(ex) && conflicts < ConflictRetries)
            {
                // Another replica's delivery and this one waited for each other (a deadlock), and the database gave this
                // one up. Rolled back to its savepoint, it holds nothing (on a shared database it is alone in its
                // transaction), so the other goes on, and this one is simply done again.
                await transaction.RollbackAsync(savepoint, cancellationToken);
                _metrics.Processed(delivery.Source, "conflict");
                LogConflict(delivery.Source, delivery.Id, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await RollBackToAsync(transaction, savepoint, ex, cancellationToken);
                var error = $"{ex.GetType().Name}: {ex.Message}";
                var retryAt = _time.GetUtcNow() + Backoff.Delay(delivery.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
                var state = await InboxStore.FailInAsync(transaction, delivery.Seq, _owner, error, retryAt.ToUnixTimeMilliseconds(), _options.MaxAttempts);
                return (delivery, state == DeliveryState.Dead ? DeliveryState.Dead : "retry", error);
            }
        }
    }

    /// <summary>
    /// Undoes a failed delivery's writes. On some errors (a full disk, an I/O error, no memory) SQLite has already rolled
    /// the whole transaction back, savepoint and all: then the batch fails with the error that ended it, not with the
    /// missing savepoint, and its deliveries, still leased and pending, are processed again when the lease ends.
    /// </summary>
    private static async Task RollBackToAsync(DbTransaction transaction, string savepoint, Exception cause, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.RollbackAsync(savepoint, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(cause);
        }
    }

    private void Report(List<(ClaimedDelivery Delivery, string Outcome, string? Error)> outcomes)
    {
        var now = _time.GetUtcNow();
        foreach (var (delivery, outcome, error) in outcomes)
        {
            _metrics.Processed(delivery.Source, outcome);
            switch (outcome)
            {
                case DeliveryState.Done:
                    _metrics.Lag(delivery.Source, now - delivery.ReceivedAtTime);
                    LogProcessed(delivery.Source, delivery.Id);
                    break;
                case DeliveryState.Dead:
                    LogDeadLettered(delivery.Source, delivery.Id, delivery.Attempts, error);
                    break;
                case "retry":
                    LogRetry(delivery.Source, delivery.Id, delivery.Attempts, error);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Inbox processing is disabled (IncidentBridge:Inbox:ProcessingEnabled=false): deliveries are stored only")]
    private partial void LogDisabled();

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Processed {Source} delivery {DeliveryId}")]
    private partial void LogProcessed(string source, string deliveryId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Processing {Source} delivery {DeliveryId} failed (attempt {Attempts}), will retry: {Error}")]
    private partial void LogRetry(string source, string deliveryId, long attempts, string? error);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Dead-lettered {Source} delivery {DeliveryId} after {Attempts} attempts: {Error}")]
    private partial void LogDeadLettered(string source, string deliveryId, long attempts, string? error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Inbox batch failed; its deliveries are retried when their lease ends")]
    private partial void LogBatchFailed(Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Processing {Source} delivery {DeliveryId} met another replica's transaction ({Error}); done again at once")]
    private partial void LogConflict(string source, string deliveryId, string error);
}

/// <summary>Part of <c>/readyz</c>: a worker whose processor keeps failing stores deliveries but correlates none.</summary>
internal sealed class InboxHealthCheck(InboxProcessor processor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(processor.Healthy
            ? HealthCheckResult.Healthy("inbox processor running")
            : HealthCheckResult.Unhealthy("the inbox processor's last batch failed"));
}
