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

    public required IngestResult PagerDuty { get; init; }

    public required SeedResult Seed { get; init; }

    public required IngestResult AlertmanagerScale { get; init; }

    /// <summary>The same load once more on the large store: the run-to-run spread, and memory across two like runs.</summary>
    public required IngestResult AlertmanagerAgain { get; init; }

    public required long PeakResidentBytes { get; init; }

    public required long FinalResidentBytes { get; init; }

    public required int WorkerExitCode { get; init; }

    public required IngestResult IngestOnly { get; init; }

    /// <summary>The same, with the host's configuration file watching turned off.</summary>
    public required IngestResult IngestOnlyUnwatched { get; init; }

    public required TrackerResult Tracker { get; init; }

    public required TimeSpan Elapsed { get; init; }
}
