using System.Globalization;
using System.Text.RegularExpressions;

namespace IncidentBridge.TestSupport;

/// <summary>One scrape of a Prometheus text exposition (<c>GET /metrics</c>), with the queries the tests and the bench make.</summary>
public sealed partial class PrometheusText
{
    private readonly IReadOnlyList<Series> _series;

    private PrometheusText(IReadOnlyList<Series> series) => _series = series;

    public static PrometheusText Parse(string exposition)
    {
        var series = new List<Series>();
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var separator = line.LastIndexOf(' ');
            var key = line[..separator];
            var brace = key.IndexOf('{', StringComparison.Ordinal);
            var labels = brace < 0
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : LabelPattern().Matches(key[brace..]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            series.Add(new Series(brace < 0 ? key : key[..brace], labels, Number(line[(separator + 1)..])));
        }

        return new PrometheusText(series);
    }

    /// <summary>The sum of every series of <paramref name="name"/> that carries all of <paramref name="labels"/>; 0 when none does (yet).</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    /// <summary>The cumulative buckets (<c>le</c>, count) of the histogram <paramref name="name"/>, summed over the matching series, by bound.</summary>
    public IReadOnlyList<(double Le, double Count)> Buckets(string name, params (string Name, string Value)[] labels) =>
        [.. Matching(name + "_bucket", labels)
            .GroupBy(s => Number(s.Labels["le"]))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(s => s.Value)))];

    private IEnumerable<Series> Matching(string name, (string Name, string Value)[] labels) =>
        _series.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var value) && value == l.Value));

    private static double Number(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();

    private sealed record Series(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}

public static class PrometheusScrape
{
    /// <summary>Scrapes <c>/metrics</c> of the server <paramref name="client"/> is pointed at.</summary>
    public static async Task<PrometheusText> MetricsAsync(this HttpClient client, CancellationToken cancellationToken = default) =>
        PrometheusText.Parse(await client.GetStringAsync("/metrics", cancellationToken));
}
