using System.Text.Json;
using System.Text.Json.Serialization;
using IncidentBridge.Bench;

// bench/run.sh builds the worker and this tool, then runs:
//   dotnet IncidentBridge.Bench.dll --worker <IncidentBridge.dll> --wrk bench/wrk --out bench/out --results bench/RESULTS.md [--commit <sha>]
// Optional: --measure 15 --warmup 5 --after 10 --open-alerts 100000 --tracker-incidents 100 --items-per-postmortem 100.
// Or: --render bench/out/results.json bench/RESULTS.md, to rewrite the report from a run's saved figures.
// Or: --soak [--soak-minutes 30 --soak-sample-seconds 30 --soak-rate 20], the soak (SoakRun).
// --postgres: after the SQLite runs, the Alertmanager storm on PostgreSQL with one worker and with two (PostgresBench).
// --only-postgres: those runs alone (a quick check), their section written to <out>/postgres.md and the figures to
// <out>/postgres.json; the results file (RESULTS.md) is left alone, as a section by itself is not a report.
var commit = "unknown";
var arguments = args.ToList();
var at = arguments.IndexOf("--commit");
if (at >= 0 && at + 1 < arguments.Count)
{
    commit = arguments[at + 1];
    arguments.RemoveRange(at, 2);
}

var json = new JsonSerializerOptions { WriteIndented = true, IncludeFields = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
var render = arguments.IndexOf("--render");
if (render >= 0 && render + 2 < arguments.Count)
{
    // --render <results.json> <RESULTS.md>: rewrite the report from a run's raw figures, without measuring again.
    var saved = JsonSerializer.Deserialize<BenchResults>(await File.ReadAllTextAsync(arguments[render + 1]), json)
        ?? throw new InvalidOperationException("Empty results file.");
    await File.WriteAllTextAsync(arguments[render + 2], Report.Render(saved));
    return 0;
}

// --soak: the long run instead (SoakRun), which writes only its own section of RESULTS.md.
var soak = arguments.Remove("--soak");
var onlyPostgres = arguments.Remove("--only-postgres");
var postgres = arguments.Remove("--postgres") || onlyPostgres;
var options = BenchOptions.Parse([.. arguments]) with { Postgres = postgres, OnlyPostgres = onlyPostgres };
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (soak)
{
    await new SoakRun(options, commit).RunAsync(cancel.Token);
    return 0;
}

if (onlyPostgres)
{
    Directory.CreateDirectory(options.OutDirectory);
    var started = DateTimeOffset.UtcNow;
    var alone = await new PostgresBench(options, new Wrk(options)).RunAsync(cancel.Token);
    var section = Path.Combine(options.OutDirectory, "postgres.md");
    await File.WriteAllTextAsync(section, $"<!-- bench/run.sh --only-postgres, {started:yyyy-MM-dd HH:mm} UTC, commit {commit} -->\n" + Report.RenderPostgres(alone, options, Environment.ProcessorCount), cancel.Token);
    await File.WriteAllTextAsync(Path.Combine(options.OutDirectory, "postgres.json"), JsonSerializer.Serialize(alone, json), cancel.Token);
    Console.WriteLine($"[bench] PostgreSQL only: {section}");
    return 0;
}

var results = await new BenchRun(options, commit).RunAsync(cancel.Token);
// The soak is a run of its own (half an hour): its section of the report stays as it was.
var soakSection = File.Exists(options.ResultsFile) ? SoakRun.SectionOf(await File.ReadAllTextAsync(options.ResultsFile, cancel.Token)) : "";
await File.WriteAllTextAsync(options.ResultsFile, Report.Render(results) + (soakSection.Length > 0 ? "\n" + soakSection : ""), cancel.Token);
await File.WriteAllTextAsync(Path.Combine(options.OutDirectory, "results.json"), JsonSerializer.Serialize(results, json), cancel.Token);
Console.WriteLine($"[bench] done in {results.Elapsed.TotalMinutes:0.0} min: {options.ResultsFile}");
return 0;
