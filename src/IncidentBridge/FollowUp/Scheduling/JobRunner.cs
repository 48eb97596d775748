using System.Collections.Concurrent;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// Runs the follow-up jobs, for the scheduler and for <c>POST /api/jobs/{name}/run</c> alike, one run of a job at a
/// time in this process: a manual run that arrives during a scheduled one waits for it, then runs, rather than
/// overlapping it (the jobs are idempotent, not reentrant). Across replicas on one PostgreSQL database, a run also
/// holds the job's database lock (<see cref="IDatabase.TryLockAsync"/>): a run asked for while another replica's is
/// under way does not start, and says so (<see cref="JobRunningElsewhereException"/>), so a job triggered on every
/// replica at once runs once. The clustered Quartz store already fires each trigger on one replica; the lock is what
/// keeps a manual run and a scheduled one on different replicas apart. A run checks every <see cref="LockCheckInterval"/>
/// that it still holds the lock (its database session can end under it) and is cancelled when it does not
/// (<see cref="JobLockLostException"/>): the jobs stop at their next step, as they do when the worker stops.
/// Records each job's last run for <c>GET /api/jobs</c>, and counts every run.
/// A run has its own cancellation: it stops when the worker stops (<see cref="IHostApplicationLifetime.ApplicationStopping"/>)
/// or when its starter's token says (Quartz's, at scheduler shutdown), never because an HTTP caller went away; the API
/// passes no token of the request's (the job runs to its end even if the caller hangs up).
/// </summary>
internal sealed class JobRunner
{
    /// <summary>How often a run checks its job's database lock: a lost lock stops the run within this, plus the step under way.</summary>
    public static readonly TimeSpan LockCheckInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, IFollowUpJob> _jobs;
    private readonly Dictionary<string, SemaphoreSlim> _gates;
    private readonly ConcurrentDictionary<string, JobRunRecord> _lastRuns = new(StringComparer.Ordinal);
    private readonly IDatabase _database;
    private readonly JobMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<JobRunner> _logger;
    private readonly CancellationToken _stopping;

    public JobRunner(IEnumerable<IFollowUpJob> jobs, IDatabase database, JobMetrics metrics, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<JobRunner> logger)
    {
        _jobs = new Dictionary<string, IFollowUpJob>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            // Two implementations under one name would make "the" job a matter of registration order: refuse it.
            if (!_jobs.TryAdd(job.Name, job))
            {
                throw new InvalidOperationException($"Two follow-up jobs are registered as '{job.Name}' ({_jobs[job.Name].GetType().Name}, {job.GetType().Name}).");
            }
        }

        _gates = _jobs.Keys.ToDictionary(name => name, _ => new SemaphoreSlim(1, 1), StringComparer.Ordinal);
        _database = database;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
    }

    public IReadOnlyCollection<string> JobNames => _jobs.Keys;

    public bool Has(string name) => _jobs.ContainsKey(name);

    public JobRunRecord? LastRun(string name) => _lastRuns.GetValueOrDefault(name);

    /// <summary>
    /// Runs the job called <paramref name="name"/> once it is not running here already; null when there is no such job.
    /// A job that throws is recorded and counted as failed, and the exception goes on to the caller.
    /// <paramref name="cancellationToken"/> stops the run as the worker's stopping does; pass none to have it run to its end.
    /// </summary>
    /// <exception cref="JobRunningElsewhereException">Another replica is running the job: this one did not start it.</exception>
    public async Task<JobResult?> RunNowAsync(string name, JobRunOptions options, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(name, out var job))
        {
            return null;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
        cancellationToken = run.Token;

        var gate = _gates[name];
        if (gate.CurrentCount == 0)
        {
            JobsLog.Waiting(_logger, name);
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var clusterWide = await _database.TryLockAsync($"job:{name}", cancellationToken);
            if (clusterWide is null)
            {
                JobsLog.RunningElsewhere(_logger, name);
                throw new JobRunningElsewhereException(name);
            }

            await using var watch = new LockWatch(clusterWide, _time, cancellationToken);
            return await RunAsync(job, options, watch);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<JobResult> RunAsync(IFollowUpJob job, JobRunOptions options, LockWatch watch)
    {
        var cancellationToken = watch.Token;
        var name = job.Name;
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        JobsLog.Started(_logger, name, options.Force);
        try
        {
            var result = await job.RunAsync(options, cancellationToken);
            var outcome = JobOutcome.Of(result);
            Record(name, outcome, result, started);
            JobsLog.Finished(_logger, name, outcome, Milliseconds(started), result.Summary);
            foreach (var problem in result.Problems)
            {
                JobsLog.Problem(_logger, name, problem);
            }

            return result;
        }
        catch (OperationCanceledException) when (watch.Lost)
        {
            Record(name, JobOutcome.Failed, Ended(name, startedAt, "stopped: it lost its database lock", ["the job's database lock was lost (its session ended); what it did is kept, its next run does the rest"]), started);
            JobsLog.LockLost(_logger, name, Milliseconds(started));
            throw new JobLockLostException(name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Record(name, JobOutcome.Cancelled, Ended(name, startedAt, "cancelled before it finished", []), started);
            JobsLog.Cancelled(_logger, name, Milliseconds(started));
            throw;
        }
        catch (Exception ex)
        {
            // The message stays in the log: an exception's text is no place to promise is free of secrets.
            Record(name, JobOutcome.Failed, Ended(name, startedAt, $"failed: {ex.GetType().Name}", [$"{ex.GetType().Name} (see the worker log, event 7054)"]), started);
            JobsLog.Failed(_logger, ex, name, Milliseconds(started));
            throw;
        }
    }

    private JobResult Ended(string name, DateTimeOffset startedAt, string summary, IReadOnlyList<string> problems) =>
        new(name, startedAt, _time.GetUtcNow(), summary, new Dictionary<string, long>(), problems);

    private void Record(string name, string outcome, JobResult result, long started)
    {
        _lastRuns[name] = new JobRunRecord(outcome, result);
        _metrics.Ran(name, outcome, _time.GetElapsedTime(started));
    }

    private long Milliseconds(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;
}

/// <summary>
/// Watches a run's database lock: checks it every <see cref="JobRunner.LockCheckInterval"/> and cancels
/// <see cref="Token"/> (the run's) as soon as it is lost. Disposing stops the watch before the lock is released.
/// </summary>
internal sealed class LockWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _run;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;
    private volatile bool _lost;

    public LockWatch(IDatabaseLock held, TimeProvider time, CancellationToken cancellationToken)
    {
        _run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _watching = WatchAsync(held, time);
    }

    /// <summary>Cancelled when the lock is lost or the run's own token is.</summary>
    public CancellationToken Token => _run.Token;

    public bool Lost => _lost;

    private async Task WatchAsync(IDatabaseLock held, TimeProvider time)
    {
        try
        {
            while (true)
            {
                await Task.Delay(JobRunner.LockCheckInterval, time, _stop.Token);
                // Not cancelled by the stop: a check cut off mid-query could break the session the lock is released on.
                if (!await held.IsHeldAsync(CancellationToken.None))
                {
                    _lost = true;
                    await _run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
        _run.Dispose();
    }
}

/// <summary>A run lost its job's database lock (its session ended) and was stopped: another replica may run the job now.</summary>
internal sealed class JobLockLostException(string job)
    : Exception($"The job '{job}' lost its database lock and was stopped; what it did is kept, its next run does the rest.")
{
    public string Job { get; } = job;
}

/// <summary>A run was asked for while another replica on the same database runs the job: it was not started here.</summary>
internal sealed class JobRunningElsewhereException(string job)
    : Exception($"The job '{job}' is running on another replica; this run was not started.")
{
    public string Job { get; } = job;
}
