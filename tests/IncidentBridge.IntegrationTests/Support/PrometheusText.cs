using System.Globalization;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>Reads values out of a Prometheus text exposition (<c>GET /metrics</c>).</summary>
internal static class PrometheusText
{
    /// <summary>The sum of every series of <paramref name="metric"/> carrying all of <paramref name="labels"/> (0 when none does).</summary>
    public static double Sum(string exposition, string metric, params (string Name, string Value)[] labels)
    {
        var sum = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal)))
            {
                continue;
            }

            var separator = line.LastIndexOf(' ');
            var series = line[..separator];
            if (labels.All(label => series.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)))
            {
                sum += double.Parse(line[(separator + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
