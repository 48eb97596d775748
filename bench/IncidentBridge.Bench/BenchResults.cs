namespace IncidentBridge.Bench;

/// <summary>Every figure of one bench run, as RESULTS.md reports them.</summary>
internal sealed record BenchResults
{
    public required BenchOptions Options { get; init; }

    public required string Commit { get; init; }

    public required MachineInfo Machine { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public required long RestingResidentBytes { get; init; }

    public required CeilingResult Ceiling { get; init; }

    public required IngestResult AlertmanagerEmpty { get; init; }

    /// <summary>Alertmanager at a set rate, half of what the processor managed while emptying the first load's backlog.</summary>
    public required IngestResult AlertmanagerPaced { get; init; }

    public required IngestResult PagerDuty { get; init; }

    public required SeedResult Seed { get; init; }

    public required IngestResult AlertmanagerScale { get; init; }

    /// <summary>The same load once more on the large store: the run-to-run spread, and memory across two like runs.</summary>
    public required IngestResult AlertmanagerAgain { get; init; }

    public required long PeakResidentBytes { get; init; }

    public required long FinalResidentBytes { get; init; }

    public required int WorkerExitCode { get; init; }

    public required IngestResult IngestOnly { get; init; }

    /// <summary>The same, with the host's watching of configuration files turned back on (ASP.NET Core's default).</summary>
    public required IngestResult IngestOnlyWatched { get; init; }

    /// <summary>The storage ceiling of the processing-off run, then of the empty-store run (<see cref="StorageCeiling"/>).</summary>
    public IReadOnlyList<StorageCeilingResult> StorageCeilings { get; init; } = [];

    public required TrackerResult Tracker { get; init; }

    /// <summary>The storm on PostgreSQL with one and two workers (<c>--postgres</c>); null when it was not asked for, and in older results.</summary>
    public PostgresResults? Postgres { get; init; }

    public required TimeSpan Elapsed { get; init; }
}
