using IncidentBridge.FollowUp;

namespace IncidentBridge.Reports;

/// <summary>
/// The incident tracking figures postmortem reviews ask for, over incidents that started in the period:
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
            followUp.NotDoing,
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

/// <summary><c>GET /api/reports/metrics</c>: durations in seconds (null when nothing to average), rates from 0 to 1.</summary>
internal sealed record MetricsReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int Incidents,
    IReadOnlyDictionary<string, int> IncidentsBySeverity,
    IReadOnlyDictionary<string, int> IncidentsByStatus,
    double? MttaSeconds,
    double? MttrSeconds,
    double? MtbfSeconds,
    IReadOnlyDictionary<string, double> MtbfSecondsByService,
    double PostmortemCompletionRate,
    double ActionItemCompletionRate,
    long NotDoing,
    FollowUpFigures FollowUp);

/// <summary>
/// Postmortem completion (incidents with a published postmortem / incidents) and action item completion (done items /
/// items), over the incidents of the period. Items nobody will do (not-doing) are left out of the rate, numerator and
/// denominator, and counted on their own. Zero when there is nothing to divide by.
/// </summary>
internal sealed record FollowUpRates(double PostmortemCompletionRate, double ActionItemCompletionRate, long NotDoing)
{
    public static FollowUpRates From((long Incidents, long Published, long Items, long DoneItems, long NotDoingItems) counts) => new(
        counts.Incidents == 0 ? 0 : (double)counts.Published / counts.Incidents,
        counts.Items == 0 ? 0 : (double)counts.DoneItems / counts.Items,
        counts.NotDoingItems);
}
