namespace IncidentBridge.Bench;

/// <summary>
/// Samples the worker every second while a phase runs: <c>/metrics</c> (inbox depth, accepted and processed
/// deliveries) and <c>/proc</c> (resident memory, CPU). Resident memory is also read every 100 ms, for the peak.
/// </summary>
internal sealed class Sampler : IAsyncDisposable
{
    private readonly WorkerProcess _worker;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly Lock _lock = new();
    private readonly Task _metricsLoop;
    private readonly Task _memoryLoop;
    private long _peakResident;

    public Sampler(WorkerProcess worker)
    {
        _worker = worker;
        _metricsLoop = Task.Run(() => SampleMetricsAsync(_stop.Token));
        _memoryLoop = Task.Run(() => SampleMemoryAsync(_stop.Token));
    }

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The largest resident size seen since the last reset.</summary>
    public long PeakResidentBytes => Interlocked.Read(ref _peakResident);

    public void ResetPeak() => Interlocked.Exchange(ref _peakResident, _worker.ResidentBytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_metricsLoop, _memoryLoop).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task SampleMetricsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                var metrics = await _worker.MetricsAsync(cancellationToken);
                var sample = new Sample(
                    metrics.At,
                    metrics.Sum("incidentbridge_inbox_depth"),
                    metrics.Sum("incidentbridge_webhook_deliveries_total", ("outcome", "accepted")),
                    metrics.Sum("incidentbridge_inbox_processed_total", ("outcome", "done")),
                    _worker.ResidentBytes,
                    _worker.CpuSeconds,
                    ProcStats.MachineCpuSeconds().Busy);
                lock (_lock)
                {
                    _samples.Add(sample);
                }
            }
            catch (HttpRequestException)
            {
                // A scrape that fails under load is a gap in the table, not a failed bench.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Same: the scrape timed out.
            }
        }
    }

    private async Task SampleMemoryAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var resident = _worker.ResidentBytes;
            long seen;
            do
            {
                seen = Interlocked.Read(ref _peakResident);
            }
            while (resident > seen && Interlocked.CompareExchange(ref _peakResident, resident, seen) != seen);
        }
    }
}
