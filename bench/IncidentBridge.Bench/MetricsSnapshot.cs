using System.Globalization;
using System.Text.RegularExpressions;

namespace IncidentBridge.Bench;

/// <summary>One scrape of <c>/metrics</c> (Prometheus text format), with the few queries the bench needs.</summary>
internal sealed partial class MetricsSnapshot
{
    private readonly List<Series> _series;

    private MetricsSnapshot(List<Series> series, DateTimeOffset at)
    {
        _series = series;
        At = at;
    }

    public DateTimeOffset At { get; }

    public static MetricsSnapshot Parse(string text, DateTimeOffset at)
    {
        var series = new List<Series>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var separator = line.LastIndexOf(' ');
            var key = line[..separator];
            var brace = key.IndexOf('{', StringComparison.Ordinal);
            var name = brace < 0 ? key : key[..brace];
            var labels = brace < 0
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : LabelPattern().Matches(key[brace..]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            var value = line[(separator + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "NaN" => double.NaN,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
            series.Add(new Series(name, labels, value));
        }

        return new MetricsSnapshot(series, at);
    }

    /// <summary>The sum of every series of <paramref name="name"/> that carries all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    /// <summary>Cumulative histogram buckets (<c>le</c>, count) of <paramref name="name"/>, summed over the matching series.</summary>
    public Histogram Buckets(string name, params (string Name, string Value)[] labels) =>
        new(Matching(name + "_bucket", labels)
            .GroupBy(s => s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(s => s.Value)))
            .ToList(),
            Sum(name + "_sum", labels));

    private IEnumerable<Series> Matching(string name, (string Name, string Value)[] labels) =>
        _series.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();

    private sealed record Series(string Name, Dictionary<string, string> Labels, double Value);
}
