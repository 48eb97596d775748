using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace IncidentBridge.Correlation;

/// <summary>
/// A sender whose webhook body is Alertmanager's: Alertmanager itself (<c>version: "4"</c>) and Grafana Alerting's
/// webhook contact point (<c>version: "1"</c>, Alertmanager's fields plus Grafana's <c>orgId</c>, <c>state</c>,
/// <c>title</c> and <c>message</c>; docs/PROTOCOLS.md, Grafana). Both are read by one parser and correlated by one
/// correlator; <see cref="Source"/> is the delivery's source and the kind of the incident source its group key makes.
/// </summary>
internal sealed record AlertSender(string Source, string Name, string Version)
{
    public static readonly AlertSender Alertmanager = new(SourceKinds.Alertmanager, "Alertmanager", "4");

    public static readonly AlertSender Grafana = new(SourceKinds.Grafana, "Grafana", "1");

    /// <summary>Both senders, in the order a PagerDuty incident key is looked up among their group keys.</summary>
    public static IReadOnlyList<AlertSender> All { get; } = [Alertmanager, Grafana];
}

/// <summary>
/// Alertmanager's webhook body, <c>version: "4"</c> (docs/PROTOCOLS.md, Alertmanager), which Grafana's webhook
/// contact point also sends as <c>version: "1"</c>. Fields are nullable: validation names what is missing.
/// </summary>
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

/// <summary>
/// Reads and checks an Alertmanager-shaped body (<see cref="AlertSender"/>). Ingest runs it before storing a delivery,
/// so a body it refuses is answered 400 and never stored; the delivery handler runs it once more on the stored body,
/// which therefore always parses.
/// </summary>
internal static class AlertmanagerPayloadParser
{
    public static Parsed<AlertmanagerPayload> Parse(ReadOnlySpan<byte> body) => Parse(body, AlertSender.Alertmanager);

    public static Parsed<AlertmanagerPayload> Parse(ReadOnlySpan<byte> body, AlertSender sender)
    {
        var read = Parsed<AlertmanagerPayload>.FromJson(body, AlertmanagerJsonContext.Default.AlertmanagerPayload, "The body must be a JSON object.");
        if (!read.Ok)
        {
            return read;
        }

        return Validate(read.Value, sender) is { } error ? new(null, error) : read;
    }

    /// <summary>Alertmanager always sends a fingerprint; a hand-made payload may not, so derive one from the labels.</summary>
    public static string FingerprintOf(AlertmanagerAlert alert)
    {
        if (!string.IsNullOrEmpty(alert.Fingerprint))
        {
            return alert.Fingerprint;
        }

        var canonical = new StringBuilder();
        foreach (var (name, value) in (alert.Labels ?? []).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            canonical.Append(name).Append('\u0001').Append(value).Append('\u0002');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())).AsSpan(0, 8));
    }

    private static PayloadError? Validate(AlertmanagerPayload payload, AlertSender sender)
    {
        if (payload.Version is null)
        {
            return new("version", $"version is missing: {sender.Name} webhooks send \"version\": \"{sender.Version}\".");
        }

        if (payload.Version != sender.Version)
        {
            return new("version", $"Unsupported {sender.Name} webhook version '{payload.Version}': only version {sender.Version} is understood.");
        }

        if (string.IsNullOrEmpty(payload.GroupKey))
        {
            return new("groupKey", "groupKey is missing or empty.");
        }

        if (payload.Alerts is null || payload.Alerts.Count == 0)
        {
            return new("alerts", "alerts is missing or empty: a notification carries at least one alert.");
        }

        for (var i = 0; i < payload.Alerts.Count; i++)
        {
            if (ValidateAlert(payload.Alerts[i], $"alerts[{i}]") is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static PayloadError? ValidateAlert(AlertmanagerAlert? alert, string at)
    {
        if (alert is null)
        {
            return new(at, $"{at} is null: each alert must be an object.");
        }

        if (alert.Labels is null || alert.Labels.Count == 0)
        {
            return new($"{at}.labels", $"{at}.labels is missing or empty: an alert is identified by its labels.");
        }

        if (alert.StartsAt is null)
        {
            return new($"{at}.startsAt", $"{at}.startsAt is missing.");
        }

        if (alert.Status is not ("firing" or "resolved"))
        {
            return new($"{at}.status", $"{at}.status must be 'firing' or 'resolved' (was '{alert.Status ?? "missing"}').");
        }

        return null;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(AlertmanagerPayload))]
internal sealed partial class AlertmanagerJsonContext : JsonSerializerContext;
