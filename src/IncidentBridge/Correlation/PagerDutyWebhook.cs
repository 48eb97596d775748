using System.Text.Json;
using System.Text.Json.Serialization;
using IncidentBridge.Api;

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
/// PagerDuty's retries duplicates); the PagerDuty handler runs it once more on the stored body.
/// </summary>
internal static class PagerDutyPayloadParser
{
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
                ? Parsed<PagerDutyEvent>.Fail("messages", "This is a legacy PagerDuty V2 webhook, which is out of support: V3 webhooks are required (add a Generic Webhook (v3) subscription).")
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

        return Parsed<PagerDutyEvent>.Success(evt);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PagerDutyWebhook))]
internal sealed partial class PagerDutyJsonContext : JsonSerializerContext;
