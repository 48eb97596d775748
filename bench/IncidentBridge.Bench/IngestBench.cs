namespace IncidentBridge.Bench;

/// <summary>
/// One webhook load against a running worker: a warm-up that is thrown away, the measured wrk run with the lag
/// probes and the sampler going, then the time the inbox takes to empty, with probes still going.
/// </summary>
/// <param name="processing">False for a worker that only stores (Inbox:ProcessingEnabled=false): nothing waits for the inbox to empty.</param>
internal sealed class IngestBench(BenchOptions options, Wrk wrk, WorkerProcess worker, Sampler sampler, bool processing = true)
{
    /// <summary>The inbox counts as empty with at most this many deliveries pending (the probes keep adding one).</summary>
    private const double EmptyDepth = 2;

    public async Task<IngestResult> RunAsync(IngestLoad load, CancellationToken cancellationToken)
    {
        Console.WriteLine($"[bench] {load.Name}: {options.WarmUp.TotalSeconds:0} s warm-up");
        await WaitForEmptyInboxAsync(options.DrainTimeout, cancellationToken);
        var warmUp = await wrk.RunAsync(load.Script, worker.BaseAddress, options.WarmUp, load.WarmUpArguments, load.Environment, load.Name + " warm-up", cancellationToken);
        await WaitForEmptyInboxAsync(options.DrainTimeout, cancellationToken);

        await QuietMachine.WaitAsync(worker.Pid, cancellationToken);
        var before = await StoreCounts.ReadAsync(worker.DatabasePath, cancellationToken);
        var start = await worker.MetricsAsync(cancellationToken);
        var (cpu0, machine0, bench0) = (worker.CpuSeconds, ProcStats.MachineCpuSeconds().Busy, ProcStats.OwnCpuSeconds());
        await using var probe = load.ProbeRun is { } run ? new LagProbe(worker, load.Environment["BENCH_AM_TOKEN"], run) : null;
        sampler.ResetPeak();
        Console.WriteLine($"[bench] {load.Name}: {options.Measure.TotalSeconds:0} s measured");
        var loadStart = DateTimeOffset.UtcNow;
        var result = await wrk.RunAsync(load.Script, worker.BaseAddress, options.Measure, load.Arguments, load.Environment, load.Name, cancellationToken);
        var loadEnd = DateTimeOffset.UtcNow;
        var (cpu1, machine1, bench1, wrkCpu) = (worker.CpuSeconds, ProcStats.MachineCpuSeconds().Busy, ProcStats.OwnCpuSeconds(), wrk.LastCpuSeconds);
        var stop = await worker.MetricsAsync(cancellationToken);
        if (probe is not null)
        {
            probe.Phase = "after";
        }

        var drained = processing && await WaitForEmptyInboxAsync(options.DrainTimeout, cancellationToken);
        var drain = drained ? DateTimeOffset.UtcNow - loadEnd : (TimeSpan?)null;
        var cpuUntilEmpty = worker.CpuSeconds - cpu0;
        var rest = options.AfterLoad - (DateTimeOffset.UtcNow - loadEnd);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, cancellationToken);
        }

        var probes = probe is null ? [] : await probe.FinishAsync(TimeSpan.FromSeconds(30));
        var end = await worker.MetricsAsync(cancellationToken);
        var peak = sampler.PeakResidentBytes;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var settled = await worker.MetricsAsync(cancellationToken);
        Console.WriteLine($"[bench] {load.Name}: {result.RequestsPerSecond:0} req/s, p99 {result.P99Ms:0.0} ms, drained in {drain?.TotalSeconds:0.0} s");
        return new IngestResult
        {
            Name = load.Name,
            Source = load.Source,
            AlertsPerDelivery = load.AlertsPerDelivery,
            BodyBytes = await StoreCounts.MedianBodyBytesAsync(worker.DatabasePath, load.Source, loadStart, cancellationToken),
            WarmUp = warmUp,
            Load = result,
            Before = before,
            After = await StoreCounts.ReadAsync(worker.DatabasePath, cancellationToken),
            Accepted = Delta(start, stop, "incidentbridge_webhook_deliveries_total", ("source", load.Source), ("outcome", "accepted")),
            Duplicates = Delta(start, stop, "incidentbridge_webhook_deliveries_total", ("source", load.Source), ("outcome", "duplicate")),
            Unavailable = Delta(start, stop, "incidentbridge_webhook_deliveries_total", ("source", load.Source), ("outcome", "unavailable")),
            CommitBatchMean = Delta(start, stop, "incidentbridge_inbox_commit_batch_size_sum") / Math.Max(1, Delta(start, stop, "incidentbridge_inbox_commit_batch_size_count")),
            ProcessedDuringLoad = Delta(start, stop, "incidentbridge_inbox_processed_total", ("source", load.Source), ("outcome", "done")),
            DepthAtStop = stop.Sum("incidentbridge_inbox_depth"),
            Drain = drain,
            ProcessedWhileDraining = Delta(stop, end, "incidentbridge_inbox_processed_total", ("source", load.Source), ("outcome", "done")),
            LagDuring = Lag(stop, load.Source).Minus(Lag(start, load.Source)),
            LagAfter = Lag(end, load.Source).Minus(Lag(stop, load.Source)),
            Probes = probes,
            Samples = sampler.Samples.Where(s => s.At >= loadStart.AddSeconds(-2) && s.At <= end.At).ToList(),
            LoadStart = loadStart,
            LoadEnd = loadEnd,
            WorkerCpuSeconds = cpu1 - cpu0,
            WorkerCpuSecondsUntilEmpty = cpuUntilEmpty,
            MachineBusyCpuSeconds = machine1 - machine0,
            WrkCpuSeconds = wrkCpu,
            BenchCpuSeconds = bench1 - bench0,
            PeakResidentBytes = peak,
            ResidentBytesAfter = worker.ResidentBytes,
            ManagedBytesAfter = settled.Sum("dotnet_total_memory_bytes"),
        };
    }

    /// <summary>Polls the inbox depth until it is (about) empty; false when it is not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForEmptyInboxAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!processing)
        {
            return false;
        }

        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var metrics = await worker.MetricsAsync(cancellationToken);
            if (metrics.Sum("incidentbridge_inbox_depth") <= EmptyDepth)
            {
                return true;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static double Delta(MetricsSnapshot from, MetricsSnapshot to, string name, params (string, string)[] labels) =>
        to.Sum(name, labels) - from.Sum(name, labels);

    private static Histogram Lag(MetricsSnapshot metrics, string source) =>
        metrics.Buckets("incidentbridge_inbox_processing_lag_seconds", ("source", source));
}
