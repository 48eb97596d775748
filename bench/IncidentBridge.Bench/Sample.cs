namespace IncidentBridge.Bench;

/// <summary>One second of the worker as the sampler saw it: inbox depth, counters, memory and CPU.</summary>
internal sealed record Sample(
    DateTimeOffset At,
    double Depth,
    double Accepted,
    double Processed,
    long ResidentBytes,
    double WorkerCpuSeconds,
    double MachineBusyCpuSeconds);
