using IncidentBridge.FollowUp;
using IncidentBridge.Incidents;
using IncidentBridge.Operations;
using IncidentBridge.Postmortems;
using Prometheus;

namespace IncidentBridge.Reports;

/// <summary>
/// The report's incident figures over the last 30 days on <c>/metrics</c> (the Grafana dashboard's MTTA, MTTR,
/// incidents by severity and completion rate), computed at scrape time from storage like the follow-up figures, so
/// every replica reports the same truth and a restart resets nothing. One scrape reads the incidents that started in
/// the window, as <c>GET /api/reports/metrics</c> does.
/// </summary>
internal sealed class ReportMetrics
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    public ReportMetrics(MetricsRegistry metrics, IncidentStore incidents, PostmortemStore postmortems, TimeProvider time)
    {
        var factory = metrics.Factory;
        var counts = factory.CreateGauge("incidentbridge_incidents_last_30d", "Incidents that started in the last 30 days, by severity and status.", ["severity", "status"]);
        var mtta = factory.CreateGauge("incidentbridge_mtta_seconds_last_30d", "Mean time to acknowledge of the incidents that started in the last 30 days (NaN when none was acknowledged).");
        var mttr = factory.CreateGauge("incidentbridge_mttr_seconds_last_30d", "Mean time to resolve of the incidents that started in the last 30 days (NaN when none resolved).");
        var completion = factory.CreateGauge(
            "incidentbridge_action_item_completion_ratio_last_30d", "Done action items of the incidents that started in the last 30 days, over their action items (not-doing left out; 0 when there are none).");
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var to = time.GetUtcNow();
            var (fromMs, toMs) = ((to - Window).ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
            var rows = await incidents.StartedBetweenAsync(fromMs, toMs, cancellationToken);
            var report = IncidentMetrics.Compute(to - Window, to, rows, FollowUpRates.From(await postmortems.CompletionAsync(fromMs, toMs, cancellationToken)), FollowUpFigures.Compute([], to));
            foreach (var severity in Enumerable.Range(Severity.Sev1, 4))
            {
                foreach (var status in new[] { IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved })
                {
                    counts.WithLabels(Severity.Name(severity), status).Set(rows.Count(i => i.Severity == severity && i.Status == status));
                }
            }

            mtta.Set(report.MttaSeconds ?? double.NaN);
            mttr.Set(report.MttrSeconds ?? double.NaN);
            completion.Set(report.ActionItemCompletionRate);
        });
    }
}
