namespace IncidentBridge.Bench;

/// <summary>One measured webhook load: wrk's view, the worker's counters, the lag, the inbox depth and the memory.</summary>
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

    /// <summary>Busy CPU of processes other than the worker, wrk and this tool (other work on the machine).</summary>
    public double OtherCpuSeconds => Math.Max(0, MachineBusyCpuSeconds - WorkerCpuSeconds - WrkCpuSeconds - BenchCpuSeconds);

    public double AcceptedPerSecond => Accepted / Load.Seconds;

    public double ProcessedPerSecondDuringLoad => ProcessedDuringLoad / Load.Seconds;

    /// <summary>Worker CPU per alert accepted, counting its ingest and its processing (load and drain); null if it never emptied.</summary>
    public double? CpuMsPerAlert => Drain is null || Accepted <= 0 ? null : WorkerCpuSecondsUntilEmpty * 1000 / (Accepted * AlertsPerDelivery);

    public double? DrainPerSecond => Drain is { TotalSeconds: > 0.5 } drain ? ProcessedWhileDraining / drain.TotalSeconds : null;
}
