using System.Globalization;
using System.Text;

namespace IncidentBridge.Bench;

/// <summary>The PostgreSQL section (<c>--postgres</c>): the same storm with one worker and with two on one database.</summary>
internal static partial class Report
{
    /// <summary>The section alone (<c>--only-postgres</c>, a quick check): there are no SQLite figures to compare with.</summary>
    public static string RenderPostgres(PostgresResults p, BenchOptions o, int cores)
    {
        var text = new StringBuilder();
        Postgres(text, p, o, cores, sqlite: null);
        return text.ToString();
    }

    private static void Postgres(StringBuilder text, PostgresResults p, BenchOptions o, int cores, IngestResult? sqlite)
    {
        var (one, two) = (p.OneWorker, p.TwoWorkers);
        var server = one.Server;
        string Setting(string name) => server.Settings.GetValueOrDefault(name, "?");
        var tmpfs = server.FileSystem.StartsWith("tmpfs", StringComparison.Ordinal)
            ? " (**tmpfs**: an fsync costs nothing there, so these commits are cheaper than on a disk)"
            : "";
        text.Append(CultureInfo.InvariantCulture, $"""
            ## 8. PostgreSQL: one and two workers

            `bench/run.sh --postgres`: the Alertmanager storm of §2 (the same script: 10 new alerts per notification, each
            opening an incident; {o.Connections} connections, {o.Measure.TotalSeconds:0} s after a {o.WarmUp.TotalSeconds:0} s warm-up; the same wait for an empty inbox, here up to {o.PostgresDrainTimeout.TotalSeconds:0} s) against
            PostgreSQL {server.Version} on this machine, with one worker process and then with two sharing one database. Each row
            has a fresh cluster (initdb), so the second inherits no cache, WAL or checkpoint from the first. The server is
            durable, as in production: fsync {Setting("fsync")}, synchronous_commit {Setting("synchronous_commit")}, full_page_writes {Setting("full_page_writes")} (wal_sync_method
            {Setting("wal_sync_method")}, shared_buffers {Setting("shared_buffers")}, max_wal_size {Setting("max_wal_size")}; otherwise initdb's defaults), its files on
            {server.FileSystem}{tmpfs}. The workers run on their defaults plus `Storage:Provider=Postgres`, each a
            process of its own with its own port and working directory. With two, one wrk process sends each of its
            {o.Threads} threads' connections to one worker in turn (`BENCH_TARGETS`, `bench/wrk/summary.lua`), so each worker
            gets {two.ConnectionsPerWorker} of the {o.Connections} connections and one latency histogram covers every request. There are no lag probes
            here: with a backlog that takes minutes, their poller (up to 500 incidents listed every 25 ms, back to back) was a
            load of its own that slowed the processing it measured; the lag is the workers' own
            `incidentbridge_inbox_processing_lag_seconds`, summed over the workers (for SQLite too, to compare like with like).
            wrk, the workers, PostgreSQL and this tool share the machine's {cores} cores.


            """);
        IngestResult[] columns = sqlite is null ? [one.Ingest, two.Ingest] : [sqlite, one.Ingest, two.Ingest];
        text.Append(sqlite is null
            ? "| | one worker | two workers | two ÷ one |\n|---|---|---|---|\n"
            : "| | SQLite, one worker (§2) | PostgreSQL, one worker | two workers | two ÷ one |\n|---|---|---|---|---|\n");
        void Line(string name, Func<IngestResult, string> cell, string ratio = "") =>
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", columns.Select(cell))} | {ratio} |\n");
        double Ratio(Func<IngestResult, double?> figure) => (figure(two.Ingest) ?? double.NaN) / (figure(one.Ingest) ?? double.NaN);

        Line("ingest req/s", x => N(x.Load.RequestsPerSecond), Pct(Ratio(x => x.Load.RequestsPerSecond)));
        Line("deliveries accepted/s (alerts/s)", x => $"{N(x.AcceptedPerSecond)} ({N(x.AcceptedPerSecond * x.AlertsPerDelivery)})", Pct(Ratio(x => x.AcceptedPerSecond)));
        Line("latency p50 / p99 / max", x => $"{Ms(x.Load.P50Ms)} / {Ms(x.Load.P99Ms)} / {Ms(x.Load.MaxMs)}");
        Line("errors (of which 503)", x => $"{x.Load.Errors} ({N(x.Unavailable)})");
        Line("deliveries per commit (group commit)", x => $"{x.CommitBatchMean:0.0}");
        Line("processed/s during the load", x => N(x.ProcessedPerSecondDuringLoad));
        Line("backlog when the load stopped", x => N(x.DepthAtStop));
        Line("time for the backlog to empty", x => x.Drain is { } d ? $"{d.TotalSeconds:0.0} s" : "did not empty");
        Line("processed/s while emptying", EmptyingRate, Pct(Ratio(x => x.DrainPerSecond ?? x.ProcessedPerSecondAfterLoad)));
        Line("lag p99 during / after the load (workers' histogram)", x => $"{LagQuantile(x.LagDuring, 0.99)} / {LagQuantile(x.LagAfter, 0.99)}");
        Line("peak RSS during the run, per worker", x => string.Join(" / ", (x.Workers ?? []).Select(w => Mb(w.PeakResidentBytes)).DefaultIfEmpty(Mb(x.PeakResidentBytes))));
        Line("CPU during the load (cores): workers / PostgreSQL / wrk / other", x =>
            $"{Cores(x.WorkerCpuSeconds, x.Load.Seconds)} / {(x.DatabaseCpuSeconds is { } db ? Cores(db, x.Load.Seconds) : "–")} / {Cores(x.WrkCpuSeconds, x.Load.Seconds)} / {Cores(x.OtherCpuSeconds, x.Load.Seconds)}");
        Line($"CPU while emptying (cores): workers / PostgreSQL / other processes / whole machine, of {cores}", DrainCpu);
        text.Append('\n');

        text.Append("""
            Each worker's share, from its own `/metrics` (`incidentbridge_webhook_deliveries_total{outcome="accepted"}`,
            `incidentbridge_inbox_processed_total{outcome="done"}` and `{outcome="lost"}`: a claim another worker took over) and `/proc`:

            | run | worker | accepted during the load | processed during the load | processed while emptying | leases lost | CPU during the load / while emptying (cores) | peak RSS during the run | RSS high-water mark (`VmHWM`) | exit code |
            |---|---|---|---|---|---|---|---|---|---|

            """);
        foreach (var run in new[] { one, two })
        {
            var x = run.Ingest;
            var drainSeconds = x.Drain?.TotalSeconds;
            foreach (var (w, i) in (x.Workers ?? []).Select((w, i) => (w, i)))
            {
                var drainCpu = drainSeconds is { } s ? Cores(w.CpuSecondsUntilEmpty - w.CpuSeconds, s) : "–";
                text.Append(CultureInfo.InvariantCulture,
                    $"| {x.Name} | {i + 1} | {N(w.Accepted)} | {N(w.ProcessedDuringLoad)} | {N(w.ProcessedWhileDraining)} | {N(w.Lost)} | {Cores(w.CpuSeconds, x.Load.Seconds)} / {drainCpu} | {Mb(w.PeakResidentBytes)} | {Mb(w.HighWaterResidentBytes)} | {(i < run.ExitCodes.Count ? run.ExitCodes[i].ToString(CultureInfo.InvariantCulture) : "–")} |\n");
            }
        }

        text.Append('\n');
        PostgresFindings(text, one, two, cores);
    }

    private static string DrainCpu(IngestResult x) => DrainCores(x) is { } c
        ? $"{c.Workers:0.00} / {(x.DatabaseCpuSecondsUntilEmpty is null ? "–" : c.Database.ToString("0.00", CultureInfo.InvariantCulture))} / {c.Other:0.00} / {c.Machine:0.00}"
        : "–";

    /// <summary>Cores used while the backlog emptied, by the workers, PostgreSQL, everything else and the whole machine; null if it did not empty.</summary>
    private static (double Workers, double Database, double Other, double Machine)? DrainCores(IngestResult x)
    {
        if (x.Drain is not { TotalSeconds: > 0 } drain || x.MachineBusyCpuSecondsUntilEmpty - x.MachineBusyCpuSeconds is not { } machine)
        {
            return null;
        }

        var seconds = drain.TotalSeconds;
        var workers = x.WorkerCpuSecondsUntilEmpty - x.WorkerCpuSeconds;
        var database = (x.DatabaseCpuSecondsUntilEmpty - x.DatabaseCpuSeconds) ?? 0;
        return (workers / seconds, database / seconds, Math.Max(0, machine - workers - database) / seconds, machine / seconds);
    }

    /// <summary>The rate at which the backlog went once the load stopped; over the whole timeout when it did not empty.</summary>
    private static string EmptyingRate(IngestResult x) =>
        x.DrainPerSecond is { } rate ? N(rate)
        : x.ProcessedPerSecondAfterLoad is { } after ? $"{N(after)} (did not empty: {N(x.DepthAtEnd ?? double.NaN)} left at the end)"
        : "–";

    /// <summary>A quantile of the lag histogram; beyond its last finite bucket it can only say "at least".</summary>
    private static string LagQuantile(Histogram histogram, double q)
    {
        if (histogram.Quantile(q) is not { } seconds)
        {
            return "–";
        }

        var last = histogram.Buckets.Select(b => b.Le).Where(double.IsFinite).DefaultIfEmpty(double.PositiveInfinity).Max();
        return seconds >= last ? $"≥ {Ms(last * 1000)}" : Ms(seconds * 1000);
    }

    /// <summary>What the two rows say, worded from the figures (the code they measure may change; this text must not lie then).</summary>
    private static void PostgresFindings(StringBuilder text, PostgresRun one, PostgresRun two, int cores)
    {
        var (a, b) = (one.Ingest, two.Ingest);
        var ingest = b.Load.RequestsPerSecond / a.Load.RequestsPerSecond;
        var drain = (b.DrainPerSecond ?? double.NaN) / (a.DrainPerSecond ?? double.NaN);
        string Compared(double ratio) => !double.IsFinite(ratio) ? "could not be compared (a backlog did not empty, or emptied within half a second)"
            : ratio >= 1.1 ? $"rose to {Pct(ratio)} of one worker's"
            : ratio <= 0.9 ? $"fell to {Pct(ratio)} of one worker's"
            : $"stayed about the same ({Pct(ratio)} of one worker's)";
        var shares = (b.Workers ?? []).Select(w => w.ProcessedWhileDraining).ToList();
        var total = shares.Sum();
        var split = shares.Count > 1 && total > 0
            ? $"While it emptied, worker 1 processed {N(shares[0])} deliveries and worker 2 {N(shares[1])}"
              + (shares.Max() >= total * 0.95 ? ": one worker did (nearly) all of it while the other waited. " : ". ")
            : "";
        var cpu = "";
        if (DrainCores(b) is { } twoCores)
        {
            cpu = $"Meanwhile the machine was busy on {twoCores.Machine:0.00} of its {cores} cores: the workers {twoCores.Workers:0.00}, PostgreSQL {twoCores.Database:0.00}, "
                + $"other processes (this tool, and whatever else ran on the machine) {twoCores.Other:0.00}. ";
            // The machine is shared: another run's load during one row and not the other makes the ratio say little.
            if (DrainCores(a) is { } oneCores && Math.Abs(oneCores.Other - twoCores.Other) > 0.25)
            {
                cpu += $"**Other processes used {oneCores.Other:0.00} cores while one worker emptied its backlog and {twoCores.Other:0.00} while two did: "
                    + "the machine was not equally free for the two rows, so the ratio is only rough.** ";
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"""
            With a second worker the storm's ingest rate {Compared(ingest)}, and the rate at which the backlog was processed once
            the load stopped {Compared(drain)}.
            {(split + cpu).TrimEnd()}
            How replicas share the processing is described in the README ("PostgreSQL and replicas") and docs/ARCHITECTURE.md
            ("Correlation on replicas"). When this section was written, a claim took deliveries only with the earlier pending
            ones of their group, so a group another worker held was left to it, each delivery committed on its own
            (`synchronous_commit=off`), and correlation locked the keys it matched by for that one delivery: the workers
            processed different groups at the same time. (Before bc75c93 each claim took up to 8 of 64 shards; before
            088eb79 they took turns under one cluster-wide lock.) The figures above are measured, whatever that design is now.


            """);
    }
}
