using IncidentBridge.Postmortems;
using Prometheus;

namespace IncidentBridge.Reports;

/// <summary>
/// The report's incident figures over the last 30 days on <c>/metrics</c> (the Grafana dashboard's MTTA, MTTR,
/// incidents by severity and completion rate), computed from storage like the follow-up figures, so every replica
/// reports the same truth and a restart resets nothing. Aggregate queries (<see cref="IncidentStore.WindowFiguresAsync"/>),
/// recomputed at most every <see cref="FiguresFor"/>: a storm that opens thousands of incidents does not make every
/// scrape read them, and MTTA and MTTR agree with <c>GET /api/reports/metrics</c> for the same window.
/// </summary>
internal sealed class ReportMetrics
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    public static readonly TimeSpan FiguresFor = TimeSpan.FromSeconds(30);

    public ReportMetrics(MetricsRegistry metrics, IncidentStore incidents, PostmortemStore postmortems, TimeProvider time)
    {
        var factory = metrics.Factory;
        var counts = factory.CreateGauge("incidentbridge_incidents_last_30d", "Incidents that started in the last 30 days, by severity and status.", ["severity", "status"]);
        var mtta = factory.CreateGauge("incidentbridge_mtta_seconds_last_30d", "Mean time to acknowledge of the incidents that started in the last 30 days (NaN when none was acknowledged).");
        var mttr = factory.CreateGauge("incidentbridge_mttr_seconds_last_30d", "Mean time to resolve of the incidents that started in the last 30 days (NaN when none resolved).");
        var completion = factory.CreateGauge(
            "incidentbridge_action_item_completion_ratio_last_30d", "Done action items of the incidents that started in the last 30 days, over their action items (not-doing left out; 0 when there are none).");
        metrics.AddCachedCollect(FiguresFor, time, async (to, cancellationToken) =>
        {
            var (fromMs, toMs) = ((to - Window).ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
            var figures = await incidents.WindowFiguresAsync(fromMs, toMs, cancellationToken);
            foreach (var severity in Enumerable.Range(Severity.Sev1, 4))
            {
                foreach (var status in new[] { IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved })
                {
                    counts.WithLabels(Severity.Name(severity), status).Set(figures.Counts.Where(c => c.Severity == severity && c.Status == status).Sum(c => c.Count));
                }
            }

            mtta.Set(figures.MttaMs / 1000.0 ?? double.NaN);
            mttr.Set(figures.MttrMs / 1000.0 ?? double.NaN);
            completion.Set(FollowUpRates.From(await postmortems.CompletionAsync(fromMs, toMs, cancellationToken)).ActionItemCompletionRate);
        });
    }
}
