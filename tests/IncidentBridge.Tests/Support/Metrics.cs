using System.Globalization;

namespace IncidentBridge.Tests.Support;

internal static class Metrics
{
    /// <summary>
    /// The value of the series <paramref name="series"/> (a name, with its labels as exposed, e.g.
    /// <c>x_total{source="a",outcome="b"}</c>) in a Prometheus text exposition; 0 when it is not there yet.
    /// </summary>
    public static double Value(string exposition, string series) =>
        exposition.Split('\n').FirstOrDefault(line => line.StartsWith(series + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture)
            : 0;

    public static async Task<double> ValueAsync(this HttpClient client, string series) =>
        Value(await client.GetStringAsync("/metrics"), series);
}
