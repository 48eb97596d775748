using System.Text.Json;

namespace IncidentBridge.Ingest;

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
