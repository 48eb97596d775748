using System.Text.Json;
using IncidentBridge.Storage;

namespace IncidentBridge.Incidents;

/// <summary>An incident in a list (CONTRACT §4).</summary>
internal sealed record IncidentSummary(
    string Id,
    string Title,
    string Severity,
    string Status,
    string? Service,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt)
{
    public static IncidentSummary From(IncidentRow row) => new(
        row.Id, row.Title, Incidents.Severity.Name(row.Severity), row.Status, row.Service,
        Time.Of(row.StartedAt), Time.OfNullable(row.AcknowledgedAt), Time.OfNullable(row.ResolvedAt));
}

/// <summary><c>GET /api/incidents/{id}</c>: the incident with its alerts, sources and timeline.</summary>
internal sealed record IncidentView(
    string Id,
    string Title,
    string Severity,
    string Status,
    string? Service,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<AlertView> Alerts,
    IReadOnlyList<SourceView> Sources,
    IReadOnlyList<TimelineEntry> Timeline,
    RelatedIncident? RelatedTo)
{
    public static IncidentView From(IncidentDetail detail, RelatedIncident? related)
    {
        var row = detail.Incident;
        return new(
            row.Id, row.Title, Incidents.Severity.Name(row.Severity), row.Status, row.Service,
            Time.Of(row.StartedAt), Time.OfNullable(row.AcknowledgedAt), Time.OfNullable(row.ResolvedAt),
            Map(row.Labels),
            detail.Alerts.Select(a => new AlertView(a.Fingerprint, a.Status, Map(a.Labels), Map(a.Annotations), Time.Of(a.StartsAt), Time.OfNullable(a.EndsAt), a.GeneratorUrl, a.GroupKey)).ToList(),
            detail.Sources.Select(s => new SourceView(s.Kind, s.Key, s.Url, s.Status)).ToList(),
            detail.Timeline.Select(t => new TimelineEntry(Time.Of(t.At), t.Kind, t.Message, t.Actor)).ToList(),
            related);
    }

    private static Dictionary<string, string> Map(string json) =>
        JsonSerializer.Deserialize(json, RecordJsonContext.Default.DictionaryStringString) ?? [];
}

internal sealed record AlertView(
    string Fingerprint,
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    [property: System.Text.Json.Serialization.JsonPropertyName("generatorURL")] string? GeneratorUrl,
    string GroupKey);

/// <summary>An Alertmanager group key, or a PagerDuty incident with its link and status.</summary>
internal sealed record SourceView(string Kind, string Key, string? Url, string? Status);

internal sealed record TimelineEntry(DateTimeOffset At, string Kind, string Message, string? Actor);

internal sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, string? NextCursor);
