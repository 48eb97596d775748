using IncidentBridge.Operations;
using Microsoft.Extensions.Options;
using Prometheus;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The follow-up figures on <c>/metrics</c>, computed at scrape time from storage (never from counters that a
/// restart would reset), so every replica reports the same truth.
/// </summary>
internal sealed class FollowUpMetrics
{
    public FollowUpMetrics(MetricsRegistry metrics, FollowUpStore store, IOptions<FollowUpOptions> followUp, TimeProvider time)
    {
        var factory = metrics.Factory;
        var items = factory.CreateGauge("incidentbridge_action_items", "Action items by state (open, overdue, done), team, owner and priority.", ["state", "team", "owner", "priority"]);
        var ages = factory.CreateGauge("incidentbridge_action_items_open_by_age", "Open action items by age in days since they were taken in.", ["age_days"]);
        var week4 = factory.CreateGauge("incidentbridge_action_items_week4_completion_ratio", "Of the items whose postmortem was published 28+ days ago, the share done within 28 days.");
        var postmortemsOverdue = factory.CreateGauge(
            "incidentbridge_postmortems_overdue", "Resolved incidents of the FollowUp:PostmortemDue severities without a published postmortem FollowUp:PostmortemDue:Hours after they resolved.");
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var rows = await store.FollowUpRowsAsync(null, null, cancellationToken);
            var now = time.GetUtcNow();
            // Replace every series: one that went to zero must not linger at its last value.
            foreach (var labels in items.GetAllLabelValues().ToList())
            {
                items.RemoveLabelled(labels);
            }

            foreach (var (team, owner, priority, counts) in FollowUpFigures.Breakdown(rows, now))
            {
                items.WithLabels("open", team, owner, priority).Set(counts.Open);
                items.WithLabels("overdue", team, owner, priority).Set(counts.Overdue);
                items.WithLabels("done", team, owner, priority).Set(counts.Done);
            }

            var figures = FollowUpFigures.Compute(rows, now);
            foreach (var (bucket, count) in figures.OpenByAgeDays)
            {
                ages.WithLabels(bucket).Set(count);
            }

            week4.Set(figures.CompletionRateAtWeek4 ?? 0);
            postmortemsOverdue.Set(await store.CountPostmortemsOverdueAsync(followUp.Value.PostmortemDue, now, cancellationToken));
        });
    }
}
