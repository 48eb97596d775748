using Prometheus;

namespace IncidentBridge.Ingest;

internal sealed class IngestMetrics(MetricsRegistry metrics)
{
    private readonly Counter _deliveries = metrics.Factory.CreateCounter(
        "incidentbridge_webhook_deliveries_total",
        "Webhook deliveries received, by source and outcome (accepted, duplicate, unauthorized, invalid, too_large, unsupported_media_type, disabled, unavailable, aborted).",
        ["source", "outcome"]);

    public void Count(string source, string outcome) => _deliveries.WithLabels(source, outcome).Inc();
}
