using IncidentBridge.Operations;
using Prometheus;

namespace IncidentBridge.ActionItems;

internal sealed class ActionItemMetrics
{
    private readonly Counter _synced;

    public ActionItemMetrics(MetricsRegistry metrics, ActionItemStore store)
    {
        _synced = metrics.Factory.CreateCounter(
            "incidentbridge_tracker_sync_total", "Action item sync attempts by tracker and outcome (created, adopted, updated, unavailable, rejected, error).", ["tracker", "outcome"]);
        var pending = metrics.Factory.CreateGauge("incidentbridge_action_items_pending_sync", "Action items waiting for their tracker issue (pending or refused).");
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken => pending.Set(await store.CountPendingAsync(cancellationToken)));
    }

    public void Synced(string tracker, string outcome) => _synced.WithLabels(tracker, outcome).Inc();
}
