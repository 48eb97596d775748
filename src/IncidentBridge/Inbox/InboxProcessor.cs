using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBridge.Inbox;

/// <summary>
/// Takes committed deliveries in order and hands each to its source's handler. A claimed batch is
/// processed in short transactions: a failing delivery is rolled back alone (to a savepoint of its
/// own) and rescheduled with back-off (or dead-lettered), the others commit with it.
/// Claims are leases, so a crashed worker's deliveries are picked up again when the lease ends.
/// </summary>
internal sealed partial class InboxProcessor : BackgroundService
{
    private readonly IDatabase _database;
    private readonly InboxDatabase _inbox;
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
        InboxDatabase inbox,
        InboxStore store,
        IEnumerable<IDeliveryHandler> handlers,
        InboxSignal signal,
        InboxMetrics metrics,
        IOptions<InboxOptions> options,
        TimeProvider time,
        ILogger<InboxProcessor> logger)
    {
        _database = database;
        _inbox = inbox;
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
            try
            {
                // A run is not cancelled on shutdown: it stops claiming, finishes what it holds (a batch or two, short),
                // and so leaves no lease behind for the next start to wait out.
                await ProcessAsync(int.MaxValue, stoppingToken);
                Healthy = true;
            }
            catch (Exception ex)
            {
                Healthy = false;
                LogBatchFailed(ex);
            }

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

    /// <summary>Claims and processes one batch of due deliveries; returns how many it claimed.</summary>
    public Task<int> ProcessBatchAsync(CancellationToken cancellationToken) => ProcessAsync(1, cancellationToken);

    /// <summary>
    /// Claims and processes batches of due deliveries until a claim finds fewer than a full batch, <paramref name="maxBatches"/>
    /// were claimed, or <paramref name="stop"/> is signalled (which only stops further claims); returns how many it claimed.
    /// Correlation keeps the main database's one writer (SQLite) busy, and the rest of a batch's work is in the inbox file:
    /// so while one batch's work is written, the next batch is claimed, and the batch before's done marks are written
    /// (<see cref="RecordAsync"/>), each on another thread.
    /// A claim made while a batch is still pending cannot take the deliveries of the same keys queued behind it
    /// (<see cref="InboxStore.ClaimDueAsync"/>), so the run only ends on a short claim made after its done marks are written.
    /// With replicas on one database, each claims shards of the inbox that no other holds, and they process side by side.
    /// Whatever it started is finished (or given back) before it returns, also when it fails.
    /// </summary>
    public async Task<int> ProcessAsync(int maxBatches, CancellationToken stop)
    {
        var claimedInAll = 0;
        var recorded = Task.CompletedTask;
        Task<IReadOnlyList<ClaimedDelivery>>? ahead = null;
        try
        {
            var (batch, afterMarks) = (await ClaimAsync(), true);
            for (var batches = 1; batch.Count > 0; batches++)
            {
                claimedInAll += batch.Count;
                var more = batches < maxBatches && !stop.IsCancellationRequested;
                ahead = more && batch.Count >= _options.ProcessBatchSize ? Task.Run(ClaimAsync, CancellationToken.None) : null;

                // Losing this work's last commits to a power cut only leaves their deliveries pending, to be processed again.
                await using (var connection = await _database.OpenForReplayableWorkAsync(CancellationToken.None))
                await using (CachedStatements.KeepOn(connection))
                {
                    var (heldBack, reading) = (new HashSet<long>(), new ReadAhead(batch, Prepare));
                    for (var next = 0; next < batch.Count;)
                    {
                        var outcomes = await ProcessSomeAsync(connection, reading, next, heldBack);
                        next += outcomes.Count;
                        recorded = await RecordBehindAsync(recorded, outcomes);
                    }
                }

                var claimedAhead = ahead;
                ahead = null;
                batch = claimedAhead is null ? [] : await claimedAhead;
                afterMarks &= claimedAhead is null;
                if (batch.Count == 0 && !afterMarks && more)
                {
                    await recorded;
                    (batch, afterMarks) = (await ClaimAsync(), true);
                }
            }

            await recorded;
            return claimedInAll;
        }
        catch (Exception ex)
        {
            await GiveBackAsync(ahead);
            await ObserveAsync(recorded, ex);
            throw;
        }
    }

    private async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync()
    {
        var now = _time.GetUtcNow();
        return await _store.ClaimDueAsync(_owner, now.ToUnixTimeMilliseconds(), (now + _options.LeaseDuration).ToUnixTimeMilliseconds(), _options.ProcessBatchSize, CancellationToken.None);
    }

    /// <summary>
    /// Starts writing one transaction's done marks in the inbox file (<see cref="RecordAsync"/>) once the transaction's before
    /// are written (<paramref name="before"/>, which rethrows their failure: the run then fails, this transaction's work
    /// committed and its deliveries left to their lease's end, to be only marked done); returns the writing under way. On
    /// a shared database the done marks committed with the work: the outcomes are only reported.
    /// </summary>
    private async Task<Task> RecordBehindAsync(Task before, List<Outcome> outcomes)
    {
        _metrics.ProcessedTogether(outcomes.Count);
        if (!_inbox.OwnFile)
        {
            Report(outcomes);
            return before;
        }

        await before;
        return Task.Run(() => RecordAsync(outcomes), CancellationToken.None);
    }

    /// <summary>Gives a batch claimed ahead back to the inbox unattempted, when the run that claimed it failed.</summary>
    private async Task GiveBackAsync(Task<IReadOnlyList<ClaimedDelivery>>? ahead)
    {
        IReadOnlyList<ClaimedDelivery> claimed;
        try
        {
            claimed = ahead is null ? [] : await ahead;
        }
        catch (Exception)
        {
            // The claim failed, and took nothing.
            return;
        }

        if (claimed.Count == 0)
        {
            return;
        }

        try
        {
            await using var connection = await _inbox.Database.OpenForReplayableWorkAsync(CancellationToken.None);
            using var turn = await _inbox.Database.WaitWriteTurnAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            foreach (var delivery in claimed)
            {
                await InboxStore.DeferInAsync(transaction, delivery.Seq, _owner, _time.GetUtcNow().ToUnixTimeMilliseconds());
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Its deliveries are taken again when their lease ends.
            LogGiveBackFailed(ex);
        }
    }

    /// <summary>Waits for the done marks under way after the run failed: a failure of theirs other than the one thrown is logged.</summary>
    private async Task ObserveAsync(Task recorded, Exception thrown)
    {
        try
        {
            await recorded;
        }
        catch (Exception ex)
        {
            if (ex != thrown)
            {
                LogBatchFailed(ex);
            }
        }
    }

    /// <summary>
    /// Processes claimed deliveries from <paramref name="first"/> in one transaction, until they run out, or until the
    /// transaction has worked for <see cref="InboxOptions.TransactionBudget"/> and another writer of the main database (an
    /// API call, a job) waits for its turn; returns the outcomes of those it took. With nobody waiting the whole claim commits at once,
    /// writing each page it touches once. The rest of the claim stays leased for the next call.
    /// Where the inbox has a file of its own (SQLite), each delivery's work is marked processed in this transaction, and
    /// the done marks are written in the inbox file once it has committed and is on disk (<see cref="RecordAsync"/>).
    /// On a shared database (PostgreSQL) each delivery commits on its own, with its done mark: what correlation locks
    /// (its keys, the incidents it changes, the year's incident counter) is held for one delivery, so another replica
    /// waits for no more than that.
    /// A delivery of a shard in <paramref name="heldBack"/> (an earlier one of the batch failed or was lost) is given back
    /// unattempted, so the shard stays in order (<see cref="InboxStore.ClaimDueAsync"/>).
    /// Where the inbox has a file of its own (SQLite), the deliveries are first done together, sharing the transaction
    /// without a savepoint each, which would copy every page a delivery changes once more (~6 % of the drain rate); the
    /// first delivery whose work must be undone (it failed, or an earlier attempt's work had committed) rolls the whole
    /// transaction back, and the same deliveries are done again, a savepoint each. Their work then commits once; what a
    /// handler does outside the transaction (a log line, a metric) may happen twice, as it does when a crash loses a commit.
    /// </summary>
    private async Task<List<Outcome>> ProcessSomeAsync(DbConnection connection, ReadAhead claimed, int first, HashSet<long> heldBack) =>
        (_inbox.OwnFile ? await TryProcessSomeAsync(connection, claimed, first, heldBack, together: true, CancellationToken.None) : null)
        ?? (await TryProcessSomeAsync(connection, claimed, first, heldBack, together: false, CancellationToken.None))!;

    /// <summary>One transaction of <see cref="ProcessSomeAsync"/>: null when done <paramref name="together"/> and one delivery must be undone (all rolled back).</summary>
    private async Task<List<Outcome>?> TryProcessSomeAsync(DbConnection connection, ReadAhead claimed, int first, HashSet<long> heldBack, bool together, CancellationToken cancellationToken)
    {
        var outcomes = new List<Outcome>();
        using (await _database.WaitWriteTurnAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var started = _time.GetTimestamp();
            do
            {
                var (delivery, prepared) = await claimed.TakeAsync(first + outcomes.Count);
                var outcome = heldBack.Contains(delivery.Shard) ? new Outcome(delivery, Deferred)
                    : together ? await ProcessTogetherAsync(transaction, delivery, prepared, cancellationToken)
                    : await ProcessOneAsync(transaction, delivery, prepared, cancellationToken);
                if (outcome is null)
                {
                    return null;
                }

                if (!_inbox.OwnFile && outcome.Kind != DeliveryState.Done)
                {
                    outcome = await RecordInAsync(transaction, outcome);
                }

                if (outcome.Kind is Retry or Lost)
                {
                    heldBack.Add(delivery.Shard);
                }

                outcomes.Add(outcome);
            }
            while (first + outcomes.Count < claimed.Count && !_database.Shared && !(_database.WriteTurnWanted && _time.GetElapsedTime(started) >= _options.TransactionBudget));

            await transaction.CommitAsync(cancellationToken);
        }

        return outcomes;
    }

    /// <summary>
    /// Does one delivery's work in <paramref name="transaction"/> without a savepoint; if it must be undone, rolls the whole
    /// transaction back and returns null.
    /// </summary>
    private async Task<Outcome?> ProcessTogetherAsync(DbTransaction transaction, ClaimedDelivery delivery, object? prepared, CancellationToken cancellationToken)
    {
        try
        {
            await HandlerOf(delivery).HandleAsync(delivery, prepared, transaction, cancellationToken);
            if (await InboxStore.MarkProcessedInAsync(transaction, delivery.Id, _time.GetUtcNow().ToUnixTimeMilliseconds()))
            {
                return new Outcome(delivery, DeliveryState.Done);
            }

            await transaction.RollbackAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await RollBackToAsync(transaction, savepoint: null, ex, cancellationToken);
        }

        LogDoneApart(delivery.Source, delivery.Id);
        return null;
    }

    /// <summary>What the delivery's handler reads of it ahead (<see cref="IDeliveryHandler.Prepare"/>); null if nothing, or if that failed.</summary>
    private object? Prepare(ClaimedDelivery delivery)
    {
        try
        {
            return _handlers.TryGetValue(delivery.Source, out var handler) ? handler.Prepare(delivery) : null;
        }
        catch (Exception)
        {
            // Its handler reads it in the transaction, and fails there, where a failure is retried or dead-lettered.
            return null;
        }
    }

    /// <summary>
    /// A claimed batch whose deliveries are read (<see cref="IDeliveryHandler.Prepare"/>: their bodies parsed) on another
    /// thread, a few at a time, the next few while these are handled: the second core does that part, and the main
    /// database's writer waits for it only when the reading is the slower. A few, not the whole batch ahead: what is read
    /// of a delivery (~50 KB of objects for ten alerts) then dies young; read a whole batch ahead, it lived through the
    /// batch's collections into the older generations, and the peak RSS of a drain rose by ~80 MiB. A few, not one: a
    /// hand-over between threads per delivery cost as much as the reading saved.
    /// </summary>
    private sealed class ReadAhead
    {
        private const int Few = 8;
        private readonly IReadOnlyList<ClaimedDelivery> _claimed;
        private readonly Func<ClaimedDelivery, object?> _read;
        private readonly Task<object?[]>?[] _few;
        private int _next;

        public ReadAhead(IReadOnlyList<ClaimedDelivery> claimed, Func<ClaimedDelivery, object?> read)
        {
            (_claimed, _read, _few) = (claimed, read, new Task<object?[]>?[(claimed.Count + Few - 1) / Few]);
            _ = ReadFew(0);
        }

        public int Count => _claimed.Count;

        /// <summary>The delivery at <paramref name="index"/>, with what was read of it; null when it is taken again (its transaction done again apart): its handler reads it then.</summary>
        public async Task<(ClaimedDelivery Delivery, object? Prepared)> TakeAsync(int index)
        {
            if (index < _next)
            {
                return (_claimed[index], null);
            }

            _next = index + 1;
            _ = ReadFew(index / Few + 1);
            var read = await ReadFew(index / Few);
            var prepared = read[index % Few];
            read[index % Few] = null; // it lives for its handling only
            return (_claimed[index], prepared);
        }

        private Task<object?[]> ReadFew(int few) =>
            few >= _few.Length ? Task.FromResult<object?[]>([])
            : _few[few] ??= Task.Run(() => _claimed.Skip(few * Few).Take(Few).Select(_read).ToArray());
    }

    private IDeliveryHandler HandlerOf(ClaimedDelivery delivery) =>
        _handlers.TryGetValue(delivery.Source, out var handler) ? handler : throw new InvalidOperationException($"No handler for source '{delivery.Source}'.");

    private async Task<Outcome> ProcessOneAsync(DbTransaction transaction, ClaimedDelivery delivery, object? prepared, CancellationToken cancellationToken)
    {
        const string savepoint = "delivery";
        for (var conflicts = 0; ; conflicts++)
        {
            await transaction.SaveAsync(savepoint, cancellationToken);
            try
            {
                await HandlerOf(delivery).HandleAsync(delivery, prepared, transaction, cancellationToken);
                var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (_inbox.OwnFile && !await InboxStore.MarkProcessedInAsync(transaction, delivery.Id, nowMs))
                {
                    // An earlier attempt's work committed and its done mark in the inbox file did not: this attempt's work
                    // is undone, and only the done mark is left to write. (Marked last, like the done mark on a shared
                    // database, so that each delivery costs one statement here, not a look-up and an insert.)
                    await transaction.RollbackAsync(savepoint, cancellationToken);
                    LogAlreadyProcessed(delivery.Source, delivery.Id);
                    return new Outcome(delivery, DeliveryState.Done);
                }

                if (!_inbox.OwnFile && !await InboxStore.CompleteInAsync(transaction, delivery.Seq, _owner, nowMs))
                {
                    // Our lease ran out and another worker took the delivery: leave it to that one.
                    await transaction.RollbackAsync(savepoint, cancellationToken);
                    return new Outcome(delivery, Lost);
                }

                await transaction.ReleaseAsync(savepoint, cancellationToken);
                return new Outcome(delivery, DeliveryState.Done);
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
                var retryAt = _time.GetUtcNow() + Backoff.Delay(delivery.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
                return new Outcome(delivery, Retry, $"{ex.GetType().Name}: {ex.Message}", retryAt.ToUnixTimeMilliseconds());
            }
        }
    }

    /// <summary>
    /// Writes the outcomes' marks in the inbox file, after the main database's commit is on disk
    /// (<see cref="IDatabase.SyncCommitsAsync"/>): a done mark must never outlive the work it stands for. If this fails
    /// or never happens (a crash), the deliveries stay pending under their lease, and their next attempt finds their
    /// processed marks and only marks them done. Then reports the outcomes (metrics, log).
    /// </summary>
    private async Task RecordAsync(List<Outcome> outcomes)
    {
        await _database.SyncCommitsAsync(CancellationToken.None);
        await using (var connection = await _inbox.Database.OpenForReplayableWorkAsync(CancellationToken.None))
        await using (CachedStatements.KeepOn(connection))
        using (await _inbox.Database.WaitWriteTurnAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
        {
            for (var i = 0; i < outcomes.Count; i++)
            {
                outcomes[i] = await RecordInAsync(transaction, outcomes[i]);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        Report(outcomes);
    }

    /// <summary>
    /// Writes one outcome's mark in the inbox, fenced by the lease: a delivery done (or <see cref="Lost"/> when the lease
    /// went to another worker meanwhile), failed (retried later, or <see cref="DeliveryState.Dead"/>), or given back.
    /// </summary>
    private async Task<Outcome> RecordInAsync(DbTransaction inboxTransaction, Outcome outcome)
    {
        var delivery = outcome.Delivery;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        switch (outcome.Kind)
        {
            case DeliveryState.Done:
                return await InboxStore.CompleteInAsync(inboxTransaction, delivery.Seq, _owner, nowMs) ? outcome : outcome with { Kind = Lost };
            case Retry:
                var state = await InboxStore.FailInAsync(inboxTransaction, delivery.Seq, _owner, outcome.Error!, outcome.RetryAtMs, _options.MaxAttempts);
                return state == DeliveryState.Dead ? outcome with { Kind = DeliveryState.Dead } : outcome;
            case Deferred:
                await InboxStore.DeferInAsync(inboxTransaction, delivery.Seq, _owner, nowMs);
                return outcome;
            default:
                return outcome;
        }
    }

    /// <summary>
    /// Undoes a failed delivery's writes (to its <paramref name="savepoint"/>, or with no savepoint the whole transaction's).
    /// On some errors (a full disk, an I/O error, no memory) SQLite has already rolled the whole transaction back, savepoint
    /// and all: then the batch fails with the error that ended it, not with the missing savepoint or transaction, and its
    /// deliveries, still leased and pending, are processed again when the lease ends.
    /// </summary>
    private static async Task RollBackToAsync(DbTransaction transaction, string? savepoint, Exception cause, CancellationToken cancellationToken)
    {
        try
        {
            await (savepoint is null ? transaction.RollbackAsync(cancellationToken) : transaction.RollbackAsync(savepoint, cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(cause);
        }
    }

    private void Report(List<Outcome> outcomes)
    {
        var now = _time.GetUtcNow();
        foreach (var (delivery, outcome, error, _) in outcomes)
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
                case Retry:
                    LogRetry(delivery.Source, delivery.Id, delivery.Attempts, error);
                    break;
            }
        }
    }

    private const string Retry = "retry";
    private const string Deferred = "deferred";
    private const string Lost = "lost";

    /// <summary>
    /// What became of a claimed delivery: <see cref="DeliveryState.Done"/>, <see cref="Retry"/> (at
    /// <paramref name="RetryAtMs"/>), <see cref="DeliveryState.Dead"/>, <see cref="Deferred"/> or <see cref="Lost"/>; also its metric's outcome.
    /// </summary>
    private sealed record Outcome(ClaimedDelivery Delivery, string Kind, string? Error = null, long RetryAtMs = 0);

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

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "{Source} delivery {DeliveryId} was processed by an earlier attempt whose done mark was lost; marked done now")]
    private partial void LogAlreadyProcessed(string source, string deliveryId);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "{Source} delivery {DeliveryId} must be undone: its transaction is done again, a savepoint per delivery")]
    private partial void LogDoneApart(string source, string deliveryId);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Could not give back the deliveries claimed ahead of a failed batch; they are taken again when their lease ends")]
    private partial void LogGiveBackFailed(Exception exception);

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
