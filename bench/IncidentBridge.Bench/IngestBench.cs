namespace IncidentBridge.Bench;

/// <summary>
/// One webhook load against running workers: a warm-up that is thrown away, the measured wrk run with the lag
/// probes and the sampler going, then the time the inbox takes to empty, with probes still going. Usually one worker;
/// several share one PostgreSQL database (<c>bench/run.sh --postgres</c>): wrk then spreads its threads, and so its
/// connections, evenly over them (<c>BENCH_TARGETS</c>, bench/wrk/summary.lua), the probes go to the first, and the
/// counters are summed over all of them (see <see cref="IngestResult"/>).
/// </summary>
/// <param name="processing">False for a worker that only stores (Inbox:ProcessingEnabled=false): nothing waits for the inbox to empty.</param>
/// <param name="databaseCpuSeconds">The database server's CPU seconds so far, when it is a process of its own (PostgreSQL).</param>
internal sealed class IngestBench(
    BenchOptions options, Wrk wrk, IReadOnlyList<WorkerProcess> workers, IReadOnlyList<Sampler> samplers, bool processing = true, Func<double>? databaseCpuSeconds = null)
{
    /// <summary>The inbox counts as empty with at most this many deliveries pending (the probes keep adding one).</summary>
    private const double EmptyDepth = 2;

    /// <summary>Fewer deliveries than this pending: well under a second of processing at the rates measured here.</summary>
    private const double LastStretch = 1000;

    private const string Processed = "incidentbridge_inbox_processed_total";

    public IngestBench(BenchOptions options, Wrk wrk, WorkerProcess worker, Sampler sampler, bool processing = true)
        : this(options, wrk, [worker], [sampler], processing)
    {
    }

    /// <summary>The worker wrk's URL, the probes and the store counts go to; the inbox depth it reports is the whole store's.</summary>
    private WorkerProcess First => workers[0];

    public async Task<IngestResult> RunAsync(IngestLoad load, CancellationToken cancellationToken)
    {
        var environment = Spread(load.Environment);
        Console.WriteLine($"[bench] {load.Name}: {options.WarmUp.TotalSeconds:0} s warm-up");
        await WaitForEmptyInboxAsync(options.DrainTimeout, cancellationToken);
        var warmUp = await wrk.RunAsync(load.Script, First.BaseAddress, options.WarmUp, load.WarmUpArguments, environment, load.Name + " warm-up", cancellationToken);
        await WaitForEmptyInboxAsync(options.DrainTimeout, cancellationToken);

        await QuietMachine.WaitAsync([.. workers.Select(w => w.Pid)], cancellationToken);
        var before = await StoreCounts.ReadAsync(First, cancellationToken);
        var start = await MetricsAsync(cancellationToken);
        var (cpu0, machine0, bench0, database0) = (WorkerCpu(), ProcStats.MachineCpuSeconds().Busy, ProcStats.OwnCpuSeconds(), databaseCpuSeconds?.Invoke());
        await using var probe = load.ProbeRun is { } run ? new LagProbe(First, load.Environment["BENCH_AM_TOKEN"], run) : null;
        foreach (var sampler in samplers)
        {
            sampler.ResetPeak();
        }

        Console.WriteLine($"[bench] {load.Name}: {options.Measure.TotalSeconds:0} s measured");
        var loadStart = DateTimeOffset.UtcNow;
        var result = await wrk.RunAsync(load.Script, First.BaseAddress, options.Measure, load.Arguments, environment, load.Name, cancellationToken);
        var loadEnd = DateTimeOffset.UtcNow;
        var (cpu1, machine1, bench1, wrkCpu, database1) = (WorkerCpu(), ProcStats.MachineCpuSeconds().Busy, ProcStats.OwnCpuSeconds(), wrk.LastCpuSeconds, databaseCpuSeconds?.Invoke());
        var stop = await MetricsAsync(cancellationToken);
        if (probe is not null)
        {
            probe.Phase = "after";
        }

        var drained = processing && await WaitForEmptyInboxAsync(options.DrainTimeout, cancellationToken);
        var drain = drained ? DateTimeOffset.UtcNow - loadEnd : (TimeSpan?)null;
        var (cpuUntilEmpty, machineUntilEmpty, databaseUntilEmpty) = (WorkerCpu(), ProcStats.MachineCpuSeconds().Busy, databaseCpuSeconds?.Invoke());
        var rest = options.AfterLoad - (DateTimeOffset.UtcNow - loadEnd);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, cancellationToken);
        }

        var probes = probe is null ? [] : await probe.FinishAsync(TimeSpan.FromSeconds(30));
        var end = await MetricsAsync(cancellationToken);
        var peaks = samplers.Select(s => s.PeakResidentBytes).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var settled = await MetricsAsync(cancellationToken);
        Console.WriteLine($"[bench] {load.Name}: {result.RequestsPerSecond:0} req/s, p99 {result.P99Ms:0.0} ms, drained in {drain?.TotalSeconds:0.0} s");
        (string, string) source = ("source", load.Source), done = ("outcome", "done");
        return new IngestResult
        {
            Name = load.Name,
            Source = load.Source,
            AlertsPerDelivery = load.AlertsPerDelivery,
            BodyBytes = await StoreCounts.MedianBodyBytesAsync(First, load.Source, loadStart, cancellationToken),
            WarmUp = warmUp,
            Load = result,
            Before = before,
            After = await StoreCounts.ReadAsync(First, cancellationToken),
            Accepted = Delta(start, stop, "incidentbridge_webhook_deliveries_total", source, ("outcome", "accepted")),
            Duplicates = Delta(start, stop, "incidentbridge_webhook_deliveries_total", source, ("outcome", "duplicate")),
            Unavailable = Delta(start, stop, "incidentbridge_webhook_deliveries_total", source, ("outcome", "unavailable")),
            CommitBatchMean = Delta(start, stop, "incidentbridge_inbox_commit_batch_size_sum") / Math.Max(1, Delta(start, stop, "incidentbridge_inbox_commit_batch_size_count")),
            ProcessedDuringLoad = Delta(start, stop, Processed, source, done),
            // A gauge read from the store at scrape time: with several workers on one database, each reports the same depth.
            DepthAtStop = stop[0].Sum("incidentbridge_inbox_depth"),
            Drain = drain,
            ProcessedWhileDraining = Delta(stop, end, Processed, source, done),
            DepthAtEnd = end[0].Sum("incidentbridge_inbox_depth"),
            ProcessedPerSecondAfterLoad = Delta(stop, end, Processed, source, done) / Math.Max(0.001, (end[0].At - stop[0].At).TotalSeconds),
            LagDuring = Lag(stop, load.Source).Minus(Lag(start, load.Source)),
            LagAfter = Lag(end, load.Source).Minus(Lag(stop, load.Source)),
            Probes = probes,
            Samples = samplers[0].Samples.Where(s => s.At >= loadStart.AddSeconds(-2) && s.At <= end[0].At).ToList(),
            LoadStart = loadStart,
            LoadEnd = loadEnd,
            WorkerCpuSeconds = cpu1.Sum() - cpu0.Sum(),
            WorkerCpuSecondsUntilEmpty = cpuUntilEmpty.Sum() - cpu0.Sum(),
            MachineBusyCpuSeconds = machine1 - machine0,
            MachineBusyCpuSecondsUntilEmpty = drained ? machineUntilEmpty - machine0 : null,
            WrkCpuSeconds = wrkCpu,
            BenchCpuSeconds = bench1 - bench0,
            DatabaseCpuSeconds = database1 - database0,
            DatabaseCpuSecondsUntilEmpty = drained ? databaseUntilEmpty - database0 : null,
            PeakResidentBytes = peaks.Max(),
            ResidentBytesAfter = workers.Max(w => w.ResidentBytes),
            ManagedBytesAfter = settled.Max(m => m.Sum("dotnet_total_memory_bytes")),
            Workers = [.. workers.Select((worker, i) => new WorkerShare(
                stop[i].Sum("incidentbridge_webhook_deliveries_total", source, ("outcome", "accepted")) - start[i].Sum("incidentbridge_webhook_deliveries_total", source, ("outcome", "accepted")),
                stop[i].Sum(Processed, source, done) - start[i].Sum(Processed, source, done),
                end[i].Sum(Processed, source, done) - stop[i].Sum(Processed, source, done),
                end[i].Sum(Processed, ("outcome", "lost")) - start[i].Sum(Processed, ("outcome", "lost")),
                cpu1[i] - cpu0[i],
                cpuUntilEmpty[i] - cpu0[i],
                peaks[i],
                worker.PeakResidentBytes))],
        };
    }

    /// <summary>
    /// Polls the inbox depth until it is (about) empty; false when it is not within <paramref name="timeout"/>. Every
    /// 250 ms, and every 25 ms once fewer than <see cref="LastStretch"/> deliveries are left: a drain's end is then known
    /// to within ~25 ms. At 250 ms throughout, the drains of a few seconds measured here were ~125 ms long on average
    /// (~2.5 % of their rate), and a scrape every 25 ms for the whole drain would cost the worker CPU of its own.
    /// </summary>
    public async Task<bool> WaitForEmptyInboxAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!processing)
        {
            return false;
        }

        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var metrics = await First.MetricsAsync(cancellationToken);
            var depth = metrics.Sum("incidentbridge_inbox_depth");
            if (depth <= EmptyDepth)
            {
                return true;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(depth < LastStretch ? 25 : 250, cancellationToken);
        }
    }

    /// <summary>With several workers, the addresses wrk's threads take in turn (bench/wrk/summary.lua, <c>bench_spread</c>).</summary>
    private IReadOnlyDictionary<string, string> Spread(IReadOnlyDictionary<string, string> environment) =>
        workers.Count == 1
            ? environment
            : new Dictionary<string, string>(environment) { ["BENCH_TARGETS"] = string.Join(' ', workers.Select(w => w.BaseAddress.Authority)) };

    private double[] WorkerCpu() => [.. workers.Select(w => w.CpuSeconds)];

    private async Task<MetricsSnapshot[]> MetricsAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(workers.Select(w => w.MetricsAsync(cancellationToken)));

    private static double Delta(IReadOnlyList<MetricsSnapshot> from, IReadOnlyList<MetricsSnapshot> to, string name, params (string, string)[] labels) =>
        to.Sum(m => m.Sum(name, labels)) - from.Sum(m => m.Sum(name, labels));

    private static Histogram Lag(IReadOnlyList<MetricsSnapshot> metrics, string source) =>
        metrics.Select(m => m.Buckets("incidentbridge_inbox_processing_lag_seconds", ("source", source))).Aggregate((a, b) => a.Plus(b));
}
