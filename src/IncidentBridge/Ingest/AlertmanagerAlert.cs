using System.Text.Json.Serialization;

namespace IncidentBridge.Ingest;

internal sealed record AlertmanagerAlert
{
    public string? Status { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    /// <summary><c>0001-01-01T00:00:00Z</c> while the alert fires.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary><see cref="EndsAt"/> when the alert has ended; Alertmanager's <c>0001-01-01</c> "none" is null.</summary>
    [JsonIgnore]
    public DateTimeOffset? EndedAt => EndsAt is { Year: > 1 } end ? end : null;

    [JsonPropertyName("generatorURL")]
    public string? GeneratorUrl { get; init; }

    public string? Fingerprint { get; init; }
}
