namespace IncidentBridge.Bench;

/// <summary>
/// One worker's part of a load that several workers took (one database): what its own <c>/metrics</c> counted and
/// what <c>/proc</c> says of it. Counts are of the load's source, <c>outcome="done"</c> unless named otherwise.
/// </summary>
/// <param name="Accepted">Deliveries it answered 202 for during the measured load (the first worker also takes the probes).</param>
/// <param name="ProcessedDuringLoad">Deliveries it processed during the load.</param>
/// <param name="ProcessedWhileDraining">Deliveries it processed from the end of the load until the probes were done.</param>
/// <param name="Lost">Processing attempts that found their lease taken over by another worker (<c>outcome="lost"</c>, from the load's start to the end).</param>
/// <param name="CpuSeconds">Its CPU during the load.</param>
/// <param name="CpuSecondsUntilEmpty">Its CPU from the start of the load until the inbox was empty.</param>
/// <param name="PeakResidentBytes">The largest resident set the sampler saw during the run (every 100 ms).</param>
/// <param name="HighWaterResidentBytes">The kernel's high-water mark (<c>VmHWM</c>) at the end of the run, since the process started.</param>
internal sealed record WorkerShare(
    double Accepted,
    double ProcessedDuringLoad,
    double ProcessedWhileDraining,
    double Lost,
    double CpuSeconds,
    double CpuSecondsUntilEmpty,
    long PeakResidentBytes,
    long HighWaterResidentBytes);
