using System.Text.Json.Serialization;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>An alert as a Prometheus server posts it to Alertmanager's <c>POST /api/v2/alerts</c>.</summary>
internal sealed record PostableAlert(
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl);
