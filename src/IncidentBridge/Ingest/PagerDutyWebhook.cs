using System.Text.Json;

namespace IncidentBridge.Ingest;

/// <summary>PagerDuty V3 webhook: exactly one event per POST. <see cref="Messages"/> only tells a legacy V2 body apart.</summary>
internal sealed record PagerDutyWebhook
{
    public PagerDutyEvent? Event { get; init; }

    public JsonElement? Messages { get; init; }
}
