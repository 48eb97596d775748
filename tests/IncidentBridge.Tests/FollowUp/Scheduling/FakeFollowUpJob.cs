namespace IncidentBridge.Tests.FollowUp.Scheduling;

/// <summary>An <see cref="IFollowUpJob"/> that counts its runs, notices two of them overlapping, and fails when told to.</summary>
internal sealed class FakeFollowUpJob(string name) : IFollowUpJob
{
    private int _runs;
    private int _running;
    private int _maxRunning;
    private readonly List<JobRunOptions> _options = [];

    public string Name => name;

    /// <summary>How long each run takes: long enough, in the overlap test, for a second run to start inside it.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Runs (1-based) that throw instead of finishing.</summary>
    public IReadOnlySet<int> FailingRuns { get; init; } = new HashSet<int>();

    public int Runs => Volatile.Read(ref _runs);

    public int MaxConcurrentRuns => Volatile.Read(ref _maxRunning);

    public JobRunOptions? LastOptions { get; private set; }

    /// <summary>The options of every run so far, in the order they started.</summary>
    public IReadOnlyList<JobRunOptions> Options
    {
        get
        {
            lock (_options)
            {
                return [.. _options];
            }
        }
    }

    public async Task<JobResult> RunAsync(JobRunOptions options, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            var run = Interlocked.Increment(ref _runs);
            LastOptions = options;
            lock (_options)
            {
                _options.Add(options);
            }

            var startedAt = DateTimeOffset.UtcNow;
            if (Duration > TimeSpan.Zero)
            {
                await Task.Delay(Duration, cancellationToken);
            }

            if (FailingRuns.Contains(run))
            {
                throw new InvalidOperationException($"{name} run {run} fails on purpose");
            }

            return new JobResult(name, startedAt, DateTimeOffset.UtcNow, $"{name} run {run}", new Dictionary<string, long> { ["run"] = run }, []);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
