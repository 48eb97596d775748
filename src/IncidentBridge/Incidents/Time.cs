namespace IncidentBridge.Incidents;

/// <summary>Storage keeps Unix milliseconds; the API speaks ISO 8601 UTC.</summary>
internal static class Time
{
    public static DateTimeOffset Of(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    public static DateTimeOffset? OfNullable(long? unixMs) => unixMs is { } ms ? Of(ms) : null;
}
