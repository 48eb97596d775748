using IncidentBridge.FollowUp;

namespace IncidentBridge.Reports;

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
    FollowUpFigures FollowUp);
