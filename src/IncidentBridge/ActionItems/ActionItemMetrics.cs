using Prometheus;

namespace IncidentBridge.ActionItems;

internal sealed class ActionItemMetrics
{
    private readonly Counter _synced;
    private readonly Counter _duplicatesClosed;
    private readonly Counter _trackerChanges;

    public ActionItemMetrics(MetricsRegistry metrics, ActionItemStore store)
    {
        _synced = metrics.Factory.CreateCounter(
            "incidentbridge_tracker_sync_total", "Action item sync steps by tracker and outcome (created; found: a create in doubt found by its marker; adopted: an issue the postmortem named; updated; unavailable, rejected, error).", ["tracker", "outcome"]);
        _duplicatesClosed = metrics.Factory.CreateCounter(
            "incidentbridge_action_item_duplicates_closed_total", "Issues closed by status sync because an older issue carries the same action item's marker.", ["tracker"]);
        _trackerChanges = metrics.Factory.CreateCounter(
            "incidentbridge_action_item_tracker_changes_total", "Changes made in a tracker and taken onto action items, by tracker, how they came (webhook, poll) and what changed (status, assignee, due_date, moved, lost).", ["tracker", "via", "change"]);
        var pending = metrics.Factory.CreateGauge("incidentbridge_action_items_pending_sync", "Action items waiting for their tracker issue (pending or refused).");
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken => pending.Set(await store.CountPendingAsync(cancellationToken)));
    }

    public void Synced(string tracker, string outcome) => _synced.WithLabels(tracker, outcome).Inc();

    public void DuplicateClosed(string tracker) => _duplicatesClosed.WithLabels(tracker).Inc();

    public void TrackerChanged(string tracker, string via, string change) => _trackerChanges.WithLabels(tracker, via, change).Inc();
}
