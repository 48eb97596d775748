namespace IncidentBridge.Incidents;

internal sealed record IncidentAlertRow(
    string IncidentId,
    string Fingerprint,
    string GroupKey,
    string Status,
    long StartsAt,
    long? EndsAt,
    string Labels,
    string Annotations,
    string? GeneratorUrl);
