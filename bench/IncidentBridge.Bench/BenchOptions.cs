using System.Globalization;

namespace IncidentBridge.Bench;

/// <summary>What to run and where; defaults are the issue's: 2 threads, 32 connections, 15 s after a 5 s warm-up.</summary>
internal sealed record BenchOptions
{
    public required string WorkerDll { get; init; }

    public required string WrkDirectory { get; init; }

    public required string OutDirectory { get; init; }

    public required string ResultsFile { get; init; }

    public int Threads { get; init; } = 2;

    public int Connections { get; init; } = 32;

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Measure { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long lag probes keep going once the load has stopped.</summary>
    public TimeSpan AfterLoad { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the inbox to empty after a load (the result says so when it did not).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(150);

    public int OpenAlerts { get; init; } = 100_000;

    public int TrackerIncidents { get; init; } = 100;

    public int ItemsPerPostmortem { get; init; } = 100;

    public double ChangedFraction { get; init; } = 0.01;

    /// <summary><c>--soak</c>: how long the soak's traffic runs.</summary>
    public double SoakMinutes { get; init; } = 30;

    /// <summary><c>--soak</c>: how often memory, descriptors and the database size are sampled.</summary>
    public double SoakSampleSeconds { get; init; } = 30;

    /// <summary><c>--soak</c>: webhooks a second, Alertmanager and PagerDuty in turn (steady, well under the ingest ceiling).</summary>
    public int SoakRate { get; init; } = 20;

    /// <summary>
    /// <c>--postgres</c>: after the SQLite runs, the Alertmanager storm on a local, durable PostgreSQL with one worker,
    /// then two (<see cref="PostgresBench"/>). A flag without a value, taken out before <see cref="Parse"/>.
    /// </summary>
    public bool Postgres { get; init; }

    /// <summary>
    /// <c>--postgres</c>: the longest wait for the inbox to empty there. Longer than SQLite's: at this commit PostgreSQL
    /// processes a few dozen deliveries a second on 2 cores, so a 15 s storm's backlog takes minutes, and the time it
    /// takes is one of the figures asked for. A cap, not a wait: a faster processor ends sooner.
    /// </summary>
    public TimeSpan PostgresDrainTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary><c>--only-postgres</c> (a quick check while working on it): the PostgreSQL runs alone, written as their own section.</summary>
    public bool OnlyPostgres { get; init; }

    /// <summary>Parses <c>--name value</c> pairs; unknown names are an error, so a typo does not silently run the defaults.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.Remove(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");
        T Optional<T>(string name, T fallback, Func<string, T> parse) => values.Remove(name, out var value) ? parse(value) : fallback;
        static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
        static int Integer(string value) => int.Parse(value, CultureInfo.InvariantCulture);

        var options = new BenchOptions
        {
            WorkerDll = Path.GetFullPath(Required("worker")),
            WrkDirectory = Path.GetFullPath(Required("wrk")),
            OutDirectory = Path.GetFullPath(Required("out")),
            ResultsFile = Path.GetFullPath(Required("results")),
        };
        options = options with
        {
            Threads = Optional("threads", options.Threads, Integer),
            Connections = Optional("connections", options.Connections, Integer),
            WarmUp = Optional("warmup", options.WarmUp, Seconds),
            Measure = Optional("measure", options.Measure, Seconds),
            AfterLoad = Optional("after", options.AfterLoad, Seconds),
            DrainTimeout = Optional("drain-timeout", options.DrainTimeout, Seconds),
            PostgresDrainTimeout = Optional("postgres-drain-timeout", options.PostgresDrainTimeout, Seconds),
            OpenAlerts = Optional("open-alerts", options.OpenAlerts, Integer),
            TrackerIncidents = Optional("tracker-incidents", options.TrackerIncidents, Integer),
            ItemsPerPostmortem = Optional("items-per-postmortem", options.ItemsPerPostmortem, Integer),
            SoakMinutes = Optional("soak-minutes", options.SoakMinutes, value => double.Parse(value, CultureInfo.InvariantCulture)),
            SoakSampleSeconds = Optional("soak-sample-seconds", options.SoakSampleSeconds, value => double.Parse(value, CultureInfo.InvariantCulture)),
            SoakRate = Optional("soak-rate", options.SoakRate, Integer),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        }

        return options;
    }
}
