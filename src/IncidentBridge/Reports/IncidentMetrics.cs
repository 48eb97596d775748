using IncidentBridge.FollowUp;
using IncidentBridge.Incidents;

namespace IncidentBridge.Reports;

/// <summary>
/// The incident tracking figures of the seeds' dashboard, over incidents that started in the period:
/// <list type="bullet">
/// <item>MTTA: mean of (first acknowledgement − start) over acknowledged incidents.</item>
/// <item>MTTR: mean of (resolution − start) over resolved incidents.</item>
/// <item>MTBF: mean gap between consecutive incident starts, overall and per service (needs two incidents).</item>
/// </list>
/// </summary>
internal static class IncidentMetrics
{
    public static MetricsReport Compute(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<IncidentRow> incidents, FollowUpRates followUp, FollowUpFigures figures)
    {
        var bySeverity = Enumerable.Range(Severity.Sev1, 4).ToDictionary(level => Severity.Name(level), level => incidents.Count(i => i.Severity == level));
        var byStatus = new[] { IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved }
            .ToDictionary(status => status, status => incidents.Count(i => i.Status == status));
        var mtbfByService = incidents
            .Where(i => i.Service is not null)
            .GroupBy(i => i.Service ?? "")
            .Select(g => (Service: g.Key, Mtbf: MeanGapSeconds(g.Select(i => i.StartedAt))))
            .Where(s => s.Mtbf is not null)
            .ToDictionary(s => s.Service, s => s.Mtbf.GetValueOrDefault());

        return new MetricsReport(
            from,
            to,
            incidents.Count,
            bySeverity,
            byStatus,
            MeanSeconds(incidents.Where(i => i.AcknowledgedAt is not null).Select(i => i.AcknowledgedAt.GetValueOrDefault() - i.StartedAt)),
            MeanSeconds(incidents.Where(i => i.ResolvedAt is not null).Select(i => i.ResolvedAt.GetValueOrDefault() - i.StartedAt)),
            MeanGapSeconds(incidents.Select(i => i.StartedAt)),
            mtbfByService,
            followUp.PostmortemCompletionRate,
            followUp.ActionItemCompletionRate,
            figures);
    }

    private static double? MeanSeconds(IEnumerable<long> durationsMs)
    {
        var list = durationsMs.Select(ms => Math.Max(0, ms)).ToList();
        return list.Count == 0 ? null : list.Average() / 1000.0;
    }

    private static double? MeanGapSeconds(IEnumerable<long> startsMs)
    {
        var ordered = startsMs.Order().ToList();
        return ordered.Count < 2 ? null : (ordered[^1] - ordered[0]) / (ordered.Count - 1) / 1000.0;
    }
}
