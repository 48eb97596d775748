namespace IncidentBridge.Bench;

/// <summary>
/// One measured webhook load: wrk's view, the worker's counters, the lag, the inbox depth and the memory. With several
/// workers on one PostgreSQL database, counters and CPU are the workers' sums, memory is the largest worker's, the
/// samples are the first worker's (the probes' one; the depth is the shared store's), and <see cref="Workers"/> has
/// each worker's share.
/// </summary>
internal sealed record IngestResult
{
    public required string Name { get; init; }

    public required string Source { get; init; }

    public required int AlertsPerDelivery { get; init; }

    public required double BodyBytes { get; init; }

    public required WrkResult WarmUp { get; init; }

    public required WrkResult Load { get; init; }

    public required StoreCounts Before { get; init; }

    public required StoreCounts After { get; init; }

    /// <summary>Deliveries the worker counted as accepted (new) and as duplicates during the measured load.</summary>
    public required double Accepted { get; init; }

    public required double Duplicates { get; init; }

    /// <summary>Deliveries answered 503 because their commit did not happen within <c>Ingest:StoreTimeout</c>.</summary>
    public required double Unavailable { get; init; }

    public required double CommitBatchMean { get; init; }

    public required double ProcessedDuringLoad { get; init; }

    public required double DepthAtStop { get; init; }

    /// <summary>From the end of the load to an empty inbox; null when it did not empty within the drain timeout.</summary>
    public required TimeSpan? Drain { get; init; }

    public required double ProcessedWhileDraining { get; init; }

    /// <summary>Deliveries pending at the last scrape, once the probes were done; null in older results.</summary>
    public double? DepthAtEnd { get; init; }

    /// <summary>
    /// <see cref="ProcessedWhileDraining"/> over the time from the end of the load to the last scrape: the processing
    /// rate when the inbox did not empty within the timeout (when it did, <see cref="DrainPerSecond"/> is the better figure).
    /// </summary>
    public double? ProcessedPerSecondAfterLoad { get; init; }

    public required Histogram LagDuring { get; init; }

    public required Histogram LagAfter { get; init; }

    public required IReadOnlyList<ProbeResult> Probes { get; init; }

    public required IReadOnlyList<Sample> Samples { get; init; }

    public required DateTimeOffset LoadStart { get; init; }

    public required DateTimeOffset LoadEnd { get; init; }

    public required double WorkerCpuSeconds { get; init; }

    /// <summary>Worker CPU from the start of the load until the inbox was empty again: ingest and processing of all of it.</summary>
    public required double WorkerCpuSecondsUntilEmpty { get; init; }

    public required double MachineBusyCpuSeconds { get; init; }

    public required double WrkCpuSeconds { get; init; }

    /// <summary>This bench tool's own CPU (probes, sampling) during the load.</summary>
    public required double BenchCpuSeconds { get; init; }

    public required long PeakResidentBytes { get; init; }

    public required long ResidentBytesAfter { get; init; }

    /// <summary>The GC heap after the run (<c>dotnet_total_memory_bytes</c>), to tell managed growth from native.</summary>
    public required double ManagedBytesAfter { get; init; }

    /// <summary>Each worker's share, in start order; null in results saved before the bench knew several workers.</summary>
    public IReadOnlyList<WorkerShare>? Workers { get; init; }

    /// <summary>The PostgreSQL server's CPU (postmaster and backends) during the load; null on SQLite.</summary>
    public double? DatabaseCpuSeconds { get; init; }

    /// <summary>The same from the start of the load until the inbox was empty again.</summary>
    public double? DatabaseCpuSecondsUntilEmpty { get; init; }

    /// <summary>The whole machine's busy CPU from the start of the load until the inbox was empty again; null in older results.</summary>
    public double? MachineBusyCpuSecondsUntilEmpty { get; init; }

    /// <summary>Busy CPU of processes other than the worker(s), the database server, wrk and this tool (other work on the machine).</summary>
    public double OtherCpuSeconds => Math.Max(0, MachineBusyCpuSeconds - WorkerCpuSeconds - (DatabaseCpuSeconds ?? 0) - WrkCpuSeconds - BenchCpuSeconds);

    public double AcceptedPerSecond => Accepted / Load.Seconds;

    public double ProcessedPerSecondDuringLoad => ProcessedDuringLoad / Load.Seconds;

    /// <summary>Worker CPU per alert accepted, counting its ingest and its processing (load and drain); null if it never emptied.</summary>
    public double? CpuMsPerAlert => Drain is null || Accepted <= 0 ? null : WorkerCpuSecondsUntilEmpty * 1000 / (Accepted * AlertsPerDelivery);

    public double? DrainPerSecond => Drain is { TotalSeconds: > 0.5 } drain ? ProcessedWhileDraining / drain.TotalSeconds : null;
}
