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
}
