using IncidentBridge.TestSupport;

namespace IncidentBridge.Bench;

/// <summary>One scrape of <c>/metrics</c>, with when it was taken and the bench's histogram view of it.</summary>
internal sealed record MetricsSnapshot(PrometheusText Metrics, DateTimeOffset At)
{
    public double Sum(string name, params (string Name, string Value)[] labels) => Metrics.Sum(name, labels);

    public Histogram Buckets(string name, params (string Name, string Value)[] labels) =>
        new(Metrics.Buckets(name, labels), Metrics.Sum(name + "_sum", labels));
}
