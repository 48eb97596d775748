using Prometheus;

namespace IncidentBridge.Operations;

/// <summary>
/// The worker's own Prometheus registry (not prometheus-net's static default), so every host in a
/// test process counts alone. Features take <see cref="Factory"/> to create their metrics.
/// </summary>
internal sealed class MetricsRegistry
{
    public MetricsRegistry()
    {
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    /// <summary>
    /// Runs <paramref name="compute"/> before a scrape, at most once every <paramref name="every"/> (and again should the
    /// clock go back): gauges read from storage stay cheap however often, and by how many Prometheus servers, the worker
    /// is scraped. Scrapes at once wait for one computation rather than each running it.
    /// </summary>
    public void AddCachedCollect(TimeSpan every, TimeProvider time, Func<DateTimeOffset, CancellationToken, Task> compute)
    {
        DateTimeOffset? computedAt = null;
        var computing = new SemaphoreSlim(1, 1);
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var now = time.GetUtcNow();
            await computing.WaitAsync(cancellationToken);
            try
            {
                if (computedAt is not { } at || now - at >= every || now < at)
                {
                    await compute(now, cancellationToken);
                    computedAt = now;
                }
            }
            finally
            {
                computing.Release();
            }
        });
    }
}
