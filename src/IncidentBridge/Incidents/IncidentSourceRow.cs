namespace IncidentBridge.Incidents;

/// <summary>An Alertmanager group key or a PagerDuty incident linked to an incident; PagerDuty sources carry their own status.</summary>
internal sealed record IncidentSourceRow(string IncidentId, string Kind, string Key, string? Url, string? DedupKey, string? Status, long? StatusAt);
