namespace IncidentBridge.Incidents;

internal sealed record IncidentDetail(
    IncidentRow Incident,
    IReadOnlyList<IncidentAlertRow> Alerts,
    IReadOnlyList<IncidentSourceRow> Sources,
    IReadOnlyList<TimelineRow> Timeline,
    string? RelatedIncidentId);
