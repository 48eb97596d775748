namespace IncidentBridge.Incidents;

/// <summary>An incident as stored; times are Unix milliseconds.</summary>
internal sealed record IncidentRow(
    long Seq,
    string Id,
    string Title,
    string? Service,
    string? Alertname,
    long Severity,
    string Status,
    long StartedAt,
    long? AcknowledgedAt,
    long? ResolvedAt,
    long StatusChangedAt,
    long LastActivityAt,
    string? CorrelationHash,
    string Labels)
{
    public bool IsResolved => Status == IncidentStatus.Resolved;
}
