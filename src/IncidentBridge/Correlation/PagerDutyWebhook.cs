using System.Text.Json.Serialization;

namespace IncidentBridge.Correlation;

/// <summary>
/// PagerDuty V3 webhook: exactly one event per POST (docs/PROTOCOLS.md, PagerDuty). <see cref="Messages"/> only tells a
/// legacy V2 body apart.
/// </summary>
internal sealed record PagerDutyWebhook
{
    public PagerDutyEvent? Event { get; init; }

    public JsonElement? Messages { get; init; }
}

internal sealed record PagerDutyEvent
{
    public string? Id { get; init; }

    public string? EventType { get; init; }

    public string? ResourceType { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }

    public JsonElement? Agent { get; init; }

    public JsonElement? Client { get; init; }

    public JsonElement? Data { get; init; }
}

/// <summary>
/// Reads and checks a PagerDuty body. Ingest runs it before storing a delivery (and takes the event id, which makes
/// PagerDuty's retries duplicates); the PagerDuty handler runs it once more on the stored body. Any event type passes:
/// PagerDuty disables a subscription after three deliveries in a row are dropped with a 4xx (docs/PROTOCOLS.md), so a
/// signed, well-formed event we do not apply is stored and answered 202 all the same.
/// </summary>
internal static class PagerDutyPayloadParser
{
    public const string LegacyV2 = "This is a legacy PagerDuty V2 webhook, which is out of support: V3 webhooks are required (add a Generic Webhook (v3) subscription).";

    /// <summary>A legacy V2 body (<c>{"messages": [...]}</c>, no <c>event</c>): told apart even unsigned, since V2 webhooks were never signed.</summary>
    public static bool IsLegacyV2(ReadOnlySpan<byte> body)
    {
        try
        {
            var webhook = JsonSerializer.Deserialize(body, PagerDutyJsonContext.Default.PagerDutyWebhook);
            return webhook is { Event: null, Messages: not null };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static Parsed<PagerDutyEvent> Parse(ReadOnlySpan<byte> body)
    {
        PagerDutyWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize(body, PagerDutyJsonContext.Default.PagerDutyWebhook);
        }
        catch (JsonException ex)
        {
            return Parsed<PagerDutyEvent>.FromJsonException(ex, body);
        }

        if (webhook?.Event is not { } evt)
        {
            return webhook?.Messages is not null
                ? Parsed<PagerDutyEvent>.Fail("messages", LegacyV2)
                : Parsed<PagerDutyEvent>.Fail("event", "event is missing: a PagerDuty V3 webhook body is {\"event\": {...}}.");
        }

        if (string.IsNullOrEmpty(evt.Id))
        {
            return Parsed<PagerDutyEvent>.Fail("event.id", "event.id is missing or empty.");
        }

        if (string.IsNullOrEmpty(evt.EventType))
        {
            return Parsed<PagerDutyEvent>.Fail("event.event_type", "event.event_type is missing or empty.");
        }

        if (evt.OccurredAt is null)
        {
            return Parsed<PagerDutyEvent>.Fail("event.occurred_at", "event.occurred_at is missing: events are applied in the order they occurred.");
        }

        // The objects kept as JSON are read later (ingest takes the incident key; processing the incident, the agent):
        // text in them that is not UTF-8 is refused now, not met there.
        foreach (var (field, element) in new[] { ("event.agent", evt.Agent), ("event.client", evt.Client), ("event.data", evt.Data) })
        {
            if (element is { } json && !HoldsOnlyText(json))
            {
                return Parsed<PagerDutyEvent>.Fail(field, $"{field} holds a string that is not valid UTF-8.");
            }
        }

        return Parsed<PagerDutyEvent>.Success(evt);
    }

    private static bool HoldsOnlyText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    element.GetString();
                    return true;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }

            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    try
                    {
                        _ = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return false;
                    }

                    if (!HoldsOnlyText(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                return element.EnumerateArray().All(HoldsOnlyText);
            default:
                return true;
        }
    }
}

/// <summary>
/// The incident a PagerDuty V3 event is about. Incident events carry it as <c>data</c>
/// (<c>data.type = incident</c>); <c>incident.annotated</c> carries a note whose <c>incident</c> is a
/// reference, and responder and status-update events likewise (docs/PROTOCOLS.md, PagerDuty).
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
    string? Note,
    string? Team = null)
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
                null,
                TeamOf(data));
        }

        return data.TryGetProperty("incident", out var incident) && incident.ValueKind == JsonValueKind.Object && Text(incident, "id") is { } referenced
            ? new(referenced, null, Text(incident, "html_url"), null, null, null, null, null, null, null, Text(data, "content"))
            : null;
    }

    /// <summary>The id and <c>incident_key</c> of the incident <paramref name="data"/> is or refers to, as far as it says.</summary>
    public static (string? Id, string? Key) ReferenceOf(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } element)
        {
            return (null, null);
        }

        if (Text(element, "type") == "incident")
        {
            return (Text(element, "id"), Text(element, "incident_key"));
        }

        return element.TryGetProperty("incident", out var incident) && incident.ValueKind == JsonValueKind.Object
            ? (Text(incident, "id"), Text(incident, "incident_key"))
            : (null, null);
    }

    public string Label => Number is null ? $"PagerDuty incident {Id}" : $"PagerDuty incident #{Number}";

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Summary(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? Text(value, "summary") : null;

    /// <summary>The first of the incident's <c>teams</c> (the teams of its service's escalation policy; docs/PROTOCOLS.md, PagerDuty), by name.</summary>
    private static string? TeamOf(JsonElement data) =>
        data.TryGetProperty("teams", out var teams) && teams.ValueKind == JsonValueKind.Array
            ? teams.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Object ? Text(t, "summary") : null).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t))
            : null;

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

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PagerDutyWebhook))]
internal sealed partial class PagerDutyJsonContext : JsonSerializerContext;
