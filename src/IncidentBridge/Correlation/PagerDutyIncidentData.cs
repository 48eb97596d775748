using System.Text.Json;

namespace IncidentBridge.Correlation;

/// <summary>
/// The incident a PagerDuty V3 event is about. Incident events carry it as <c>data</c>
/// (<c>data.type = incident</c>); <c>incident.annotated</c> carries a note whose <c>incident</c> is a
/// reference, and responder/status-update events likewise (shared/PROTOCOLS.md).
/// </summary>
internal sealed record PagerDutyIncidentData(
    string Id,
    string? Number,
    string? Url,
    string? IncidentKey,
    string? Title,
    string? Service,
    string? Priority,
    string? Urgency,
    DateTimeOffset? CreatedAt,
    string? Assignees,
    string? Note)
{
    public static PagerDutyIncidentData? From(PagerDutyEvent evt)
    {
        if (evt.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            return null;
        }

        if (Text(data, "type") == "incident" && Text(data, "id") is { } id)
        {
            return new(
                id,
                data.TryGetProperty("number", out var number) ? number.ToString() : null,
                Text(data, "html_url"),
                Text(data, "incident_key"),
                Text(data, "title"),
                Summary(data, "service"),
                Summary(data, "priority"),
                Text(data, "urgency"),
                data.TryGetProperty("created_at", out var created) && created.TryGetDateTimeOffset(out var at) ? at : null,
                AssigneesOf(data),
                null);
        }

        return data.TryGetProperty("incident", out var incident) && incident.ValueKind == JsonValueKind.Object && Text(incident, "id") is { } referenced
            ? new(referenced, null, Text(incident, "html_url"), null, null, null, null, null, null, null, Text(data, "content"))
            : null;
    }

    public string Label => Number is null ? $"PagerDuty incident {Id}" : $"PagerDuty incident #{Number}";

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Summary(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? Text(value, "summary") : null;

    private static string? AssigneesOf(JsonElement data)
    {
        if (!data.TryGetProperty("assignees", out var assignees) || assignees.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = assignees.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.Object ? Text(a, "summary") : null).OfType<string>().ToList();
        return names.Count == 0 ? null : string.Join(", ", names);
    }
}
