using System.Diagnostics;
using System.Globalization;

namespace IncidentBridge.Bench;

/// <summary>
/// The whole bench, in the order RESULTS.md reports it. One worker (fresh SQLite file, defaults, synchronous=FULL)
/// takes the ceiling, the Alertmanager load on an empty store, the same at a rate the processor keeps up with, the PagerDuty load, the seeding to 100,000 open
/// alerts and the Alertmanager load again; a second one, which only stores, shows what the inbox alone can take;
/// a third one makes 10,000 issues in a fake Jira for the status-sync cost. With <c>--postgres</c>, the Alertmanager
/// storm then runs on PostgreSQL with one worker and with two (<see cref="PostgresBench"/>).
/// </summary>
internal sealed class BenchRun(BenchOptions options, string commit)
{
    private const string AlertmanagerToken = "bench-alertmanager-token";
    private const string PagerDutySecret = "bench-pagerduty-signing-secret";

    /// <summary>Every worker's settings beyond its defaults (the PostgreSQL runs add their storage).</summary>
    internal static readonly IReadOnlyDictionary<string, string> WorkerEnvironment = new Dictionary<string, string>
    {
        ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = AlertmanagerToken,
        ["IncidentBridge__Sources__PagerDuty__SigningSecrets__0"] = PagerDutySecret,
        ["IncidentBridge__Jobs__Enabled"] = "false",
    };

    private static readonly Dictionary<string, string> AlertmanagerScriptEnvironment = new() { ["BENCH_AM_TOKEN"] = AlertmanagerToken };

    public async Task<BenchResults> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var load = ProcStats.LoadAverage();
        Directory.CreateDirectory(options.OutDirectory);
        File.Delete(Path.Combine(options.OutDirectory, "wrk.log"));
        var machine = await MachineInfo.ReadAsync();
        var wrk = new Wrk(options);

        Console.WriteLine("[bench] starting the worker (embedded SQLite, synchronous=FULL)");
        var worker = await WorkerProcess.StartAsync(options.WorkerDll, Path.Combine(options.OutDirectory, "worker"), WorkerEnvironment, cancellationToken);
        IngestResult amEmpty, amPaced, pagerDuty, amScale, amAgain;
        CeilingResult ceiling;
        SeedResult seed;
        long resting, peak, final;
        int exitCode;
        await using (worker)
        {
            await using var sampler = new Sampler(worker);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            resting = worker.ResidentBytes;

            ceiling = await CeilingAsync(wrk, worker, cancellationToken);
            var ingest = new IngestBench(options, wrk, worker, sampler);
            amEmpty = await ingest.RunAsync(Alertmanager("Alertmanager, empty store", warmUpRun: 1, run: 2), cancellationToken);
            var rate = PacedRate(amEmpty);
            amPaced = await ingest.RunAsync(AlertmanagerPaced($"Alertmanager, paced at {rate} req/s", rate, warmUpRun: 13, run: 14), cancellationToken);
            var pagerDutyLoad = await PagerDutyAsync(amEmpty, cancellationToken);
            pagerDuty = await ingest.RunAsync(pagerDutyLoad, cancellationToken);
            File.Delete(pagerDutyLoad.WarmUpArguments[0]);
            File.Delete(pagerDutyLoad.Arguments[0]);

            var counts = await StoreCounts.ReadAsync(worker, cancellationToken);
            var missing = (int)Math.Max(0, Math.Ceiling((options.OpenAlerts - counts.OpenAlerts) / 10.0));
            seed = await Seeder.SeedAsync(worker, AlertmanagerToken, 7, missing, ingest, TimeSpan.FromMinutes(5), cancellationToken);
            amScale = await ingest.RunAsync(Alertmanager($"Alertmanager, {options.OpenAlerts / 1000:0}k open alerts stored", warmUpRun: 3, run: 4), cancellationToken);
            amAgain = await ingest.RunAsync(Alertmanager($"Alertmanager, {options.OpenAlerts / 1000:0}k open alerts stored, again", warmUpRun: 8, run: 9), cancellationToken);

            peak = worker.PeakResidentBytes;
            final = worker.ResidentBytes;
            exitCode = await worker.StopAsync();
        }

        Console.WriteLine("[bench] ingest only (Inbox:ProcessingEnabled=false)");
        var storeOnly = new Dictionary<string, string>(WorkerEnvironment) { ["IncidentBridge__Inbox__ProcessingEnabled"] = "false" };
        var (ingestOnly, storageCeilings) = await StoreOnlyAsync(wrk, "Alertmanager, processing off", storeOnly, 5, [amEmpty], cancellationToken);

        // ASP.NET Core's default host watches the content root for appsettings.json changes, and data/ is inside it: every
        // write to the database woke that watcher. The worker turns it off; this run turns it back on, to show the cost.
        var watched = new Dictionary<string, string>(storeOnly) { ["DOTNET_hostBuilder__reloadConfigOnChange"] = "true" };
        var (ingestOnlyWatched, _) = await StoreOnlyAsync(wrk, "Alertmanager, processing off, config watching on (ASP.NET Core's default)", watched, 10, null, cancellationToken);

        var tracker = await new TrackerBench(options).RunAsync(cancellationToken);
        var postgres = options.Postgres ? await new PostgresBench(options, wrk).RunAsync(cancellationToken) : null;
        return new BenchResults
        {
            Options = options,
            Commit = commit,
            Machine = machine,
            Started = started,
            LoadAverageAtStart = load,
            RestingResidentBytes = resting,
            Ceiling = ceiling,
            AlertmanagerEmpty = amEmpty,
            AlertmanagerPaced = amPaced,
            PagerDuty = pagerDuty,
            Seed = seed,
            AlertmanagerScale = amScale,
            AlertmanagerAgain = amAgain,
            PeakResidentBytes = peak,
            FinalResidentBytes = final,
            WorkerExitCode = exitCode,
            IngestOnly = ingestOnly,
            IngestOnlyWatched = ingestOnlyWatched,
            StorageCeilings = storageCeilings,
            Tracker = tracker,
            Postgres = postgres,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>
    /// The inbox alone. With <paramref name="ceilingsAlso"/> (other runs to compare), the worker is stopped afterwards
    /// and its file, as it left it, gives the storage ceiling of this run and of each of those.
    /// </summary>
    private async Task<(IngestResult Run, IReadOnlyList<StorageCeilingResult> Ceilings)> StoreOnlyAsync(
        Wrk wrk, string name, IReadOnlyDictionary<string, string> environment, int run, IReadOnlyList<IngestResult>? ceilingsAlso, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(options.OutDirectory, $"worker-store-only-{run}");
        await using var storing = await WorkerProcess.StartAsync(options.WorkerDll, directory, environment, cancellationToken);
        IngestResult result;
        await using (var sampler = new Sampler(storing))
        {
            var ingest = new IngestBench(options, wrk, storing, sampler, processing: false);
            result = await ingest.RunAsync(Alertmanager(name, warmUpRun: run + 1, run: run) with { ProbeRun = null }, cancellationToken);
        }

        if (ceilingsAlso is null)
        {
            return (result, []);
        }

        await storing.StopAsync();
        var ceilings = new List<StorageCeilingResult>();
        foreach (var measured in ceilingsAlso.Prepend(result))
        {
            Console.WriteLine($"[bench] storage ceiling: groups of {measured.CommitBatchMean:0.0} like \"{measured.Name}\"");
            ceilings.Add(await StorageCeiling.MeasureAsync(measured, storing.InboxPath, options.Measure, cancellationToken));
        }

        return (result, ceilings);
    }

    /// <summary>The Alertmanager storm: unique notifications, each opening an incident; the warm-up repeats one per connection.</summary>
    internal static IngestLoad Alertmanager(string name, int warmUpRun, int run) => new(
        name,
        "alertmanager",
        "alertmanager.lua",
        [warmUpRun.ToString(CultureInfo.InvariantCulture), "repeat"],
        [run.ToString(CultureInfo.InvariantCulture), "unique"],
        AlertmanagerScriptEnvironment,
        AlertsPerDelivery: 10,
        ProbeRun: 100 + run);

    /// <summary>
    /// Half the deliveries per second the processor managed while it emptied <paramref name="saturated"/>'s backlog (with no load
    /// competing), rounded to tens: a storm the processor keeps up with, to measure the lag a delivery sees when it does.
    /// </summary>
    private static int PacedRate(IngestResult saturated)
    {
        var processing = saturated.DrainPerSecond ?? saturated.ProcessedPerSecondDuringLoad;
        return Math.Max(10, (int)Math.Round(processing / 2 / 10) * 10);
    }

    private IngestLoad AlertmanagerPaced(string name, int rate, int warmUpRun, int run)
    {
        var (perSecond, connections) = (rate.ToString(CultureInfo.InvariantCulture), options.Connections.ToString(CultureInfo.InvariantCulture));
        return Alertmanager(name, warmUpRun, run) with
        {
            Script = "alertmanager-paced.lua",
            WarmUpArguments = [warmUpRun.ToString(CultureInfo.InvariantCulture), "repeat", perSecond, connections],
            Arguments = [run.ToString(CultureInfo.InvariantCulture), "unique", perSecond, connections],
        };
    }

    private async Task<CeilingResult> CeilingAsync(Wrk wrk, WorkerProcess worker, CancellationToken cancellationToken)
    {
        Console.WriteLine("[bench] ceiling: GET /healthz");
        var none = new Dictionary<string, string>();
        var warmUp = await wrk.RunAsync("healthz.lua", new Uri(worker.BaseAddress, "/healthz"), options.WarmUp, [], none, "healthz warm-up", cancellationToken);
        await QuietMachine.WaitAsync([worker.Pid], cancellationToken);
        var (cpu0, machine0, bench0) = (worker.CpuSeconds, ProcStats.MachineCpuSeconds().Busy, ProcStats.OwnCpuSeconds());
        var load = await wrk.RunAsync("healthz.lua", new Uri(worker.BaseAddress, "/healthz"), options.Measure, [], none, "healthz", cancellationToken);
        return new CeilingResult(warmUp, load, worker.CpuSeconds - cpu0, ProcStats.MachineCpuSeconds().Busy - machine0, wrk.LastCpuSeconds, ProcStats.OwnCpuSeconds() - bench0);
    }

    /// <summary>
    /// Enough signed bodies that no event repeats: three times what the Alertmanager run managed (PagerDuty bodies are
    /// smaller), at least 20,000; the warm-up gets its own file with other event ids.
    /// </summary>
    private async Task<IngestLoad> PagerDutyAsync(IngestResult alertmanager, CancellationToken cancellationToken)
    {
        var perSecond = Math.Max(alertmanager.Load.RequestsPerSecond, alertmanager.WarmUp.RequestsPerSecond);
        var count = (int)Math.Clamp(perSecond * 3 * options.Measure.TotalSeconds, 20_000, 300_000);
        var warmUpCount = (int)Math.Clamp(perSecond * 3 * options.WarmUp.TotalSeconds, 5_000, 100_000);
        var warmUpFile = Path.Combine(options.OutDirectory, "pagerduty-warmup.txt");
        var file = Path.Combine(options.OutDirectory, "pagerduty.txt");
        Console.WriteLine($"[bench] writing {warmUpCount} + {count} signed PagerDuty events");
        await PagerDutyEvents.WriteAsync(warmUpFile, PagerDutySecret, 21, warmUpCount, cancellationToken);
        await PagerDutyEvents.WriteAsync(file, PagerDutySecret, 22, count, cancellationToken);
        var threads = options.Threads.ToString(CultureInfo.InvariantCulture);
        // The probes are Alertmanager alerts, in a lane of their own: they take turns with the PagerDuty events' lane, so
        // they measure the lag an alert sees while PagerDuty storms.
        return new IngestLoad("PagerDuty", "pagerduty", "pagerduty.lua", [warmUpFile, threads], [file, threads], AlertmanagerScriptEnvironment, AlertsPerDelivery: 1, ProbeRun: 150);
    }
}
