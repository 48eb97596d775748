using System.Text.Json.Serialization;

namespace IncidentBridge.Ingest;

/// <summary>Alertmanager's webhook body, <c>version: "4"</c> (see shared/PROTOCOLS.md). Fields are nullable: validation names what is missing.</summary>
internal sealed record AlertmanagerPayload
{
    public string? Version { get; init; }

    public string? GroupKey { get; init; }

    public string? Receiver { get; init; }

    public string? Status { get; init; }

    public List<AlertmanagerAlert>? Alerts { get; init; }

    public Dictionary<string, string>? GroupLabels { get; init; }

    public Dictionary<string, string>? CommonLabels { get; init; }

    public Dictionary<string, string>? CommonAnnotations { get; init; }

    [JsonPropertyName("externalURL")]
    public string? ExternalUrl { get; init; }

    public int TruncatedAlerts { get; init; }
}
