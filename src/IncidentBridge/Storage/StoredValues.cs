using System.Text.Json.Serialization;

namespace IncidentBridge.Storage;

/// <summary>
/// Times are stored as Unix milliseconds (UTC), so both providers compare them as plain integers; the API speaks
/// ISO 8601 UTC.
/// </summary>
internal static class Time
{
    public static DateTimeOffset Of(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    public static DateTimeOffset? OfNullable(long? unixMs) => unixMs is { } ms ? Of(ms) : null;
}

/// <summary>
/// Label and annotation maps are stored as JSON text (<c>incidents.labels</c>, <c>incident_alerts.labels</c>,
/// <c>incident_alerts.annotations</c>…): one source-generated context writes and reads them everywhere.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;
