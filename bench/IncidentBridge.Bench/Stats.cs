namespace IncidentBridge.Bench;

internal static class Stats
{
    /// <summary>Nearest-rank percentile (p in 0..100) of <paramref name="values"/>; null when there are none.</summary>
    public static double? Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
