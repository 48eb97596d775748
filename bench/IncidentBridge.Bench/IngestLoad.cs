namespace IncidentBridge.Bench;

/// <summary>What one ingest run posts: a wrk script with its arguments for the warm-up and the measured run.</summary>
internal sealed record IngestLoad(
    string Name,
    string Source,
    string Script,
    IReadOnlyList<string> WarmUpArguments,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    int AlertsPerDelivery,
    int? ProbeRun);
