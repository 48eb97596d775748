using Prometheus;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The follow-up figures on <c>/metrics</c>, computed at scrape time from storage (never from counters that a
/// restart would reset), so every replica reports the same truth. Only bounded labels (state, team, priority, age
/// bucket): no owner names or addresses, and no series per item. The action-item gauges are aggregate queries
/// (<see cref="FollowUpStore.FollowUpGaugesAsync"/>), recomputed at most every <see cref="ItemGaugesFor"/>, so
/// frequent scrapes by several Prometheus servers do not each count every item.
/// </summary>
internal sealed class FollowUpMetrics
{
    public static readonly TimeSpan ItemGaugesFor = TimeSpan.FromSeconds(30);

    public FollowUpMetrics(MetricsRegistry metrics, FollowUpStore store, IOptions<FollowUpOptions> followUp, TimeProvider time)
    {
        var factory = metrics.Factory;
        var items = factory.CreateGauge("incidentbridge_action_items", "Action items by state (open, overdue, done), team and priority.", ["state", "team", "priority"]);
        var ages = factory.CreateGauge("incidentbridge_action_items_open_by_age", "Open action items by age in days since they were taken in.", ["age_days"]);
        var week4 = factory.CreateGauge("incidentbridge_action_items_week4_completion_ratio", "Of the items whose postmortem was published 28+ days ago, the share done within 28 days.");
        var postmortemsOverdue = factory.CreateGauge(
            "incidentbridge_postmortems_overdue", "Resolved incidents of the FollowUp:PostmortemDue severities without a published postmortem FollowUp:PostmortemDue:Hours after they resolved.");
        metrics.AddCachedCollect(ItemGaugesFor, time, async (now, cancellationToken) => Set(items, ages, week4, await store.FollowUpGaugesAsync(now, cancellationToken)));
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken =>
            postmortemsOverdue.Set(await store.CountPostmortemsOverdueAsync(followUp.Value.PostmortemDue, time.GetUtcNow(), cancellationToken)));
    }

    private static void Set(Gauge items, Gauge ages, Gauge week4, FollowUpGauges gauges)
    {
        // Replace every series: one that went to zero must not linger at its last value.
        foreach (var labels in items.GetAllLabelValues().ToList())
        {
            items.RemoveLabelled(labels);
        }

        foreach (var (team, priority, counts) in gauges.ByTeamAndPriority)
        {
            items.WithLabels("open", team, priority).Set(counts.Open);
            items.WithLabels("overdue", team, priority).Set(counts.Overdue);
            items.WithLabels("done", team, priority).Set(counts.Done);
        }

        foreach (var (bucket, count) in gauges.OpenByAgeDays)
        {
            ages.WithLabels(bucket).Set(count);
        }

        week4.Set(gauges.CompletionRateAtWeek4 ?? 0);
    }
}
