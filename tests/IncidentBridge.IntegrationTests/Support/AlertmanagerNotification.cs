using System.Text.Json.Serialization;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>Alertmanager's webhook body, version 4: what Alertmanager sends, and what a test sends in its place.</summary>
internal sealed record AlertmanagerNotification(
    string Receiver,
    string Status,
    IReadOnlyList<NotifiedAlert> Alerts,
    IReadOnlyDictionary<string, string> GroupLabels,
    IReadOnlyDictionary<string, string> CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations,
    [property: JsonPropertyName("externalURL")] string ExternalUrl,
    string Version,
    string GroupKey,
    int TruncatedAlerts);
