using System.Text.Json.Serialization;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>One alert of an Alertmanager webhook body; <see cref="EndsAt"/> is <c>0001-01-01</c> while it fires.</summary>
internal sealed record NotifiedAlert(
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    string Fingerprint);
