namespace IncidentBridge.Bench;

/// <summary>A Prometheus histogram: cumulative bucket counts by upper bound, and the sum of observations.</summary>
internal sealed record Histogram(IReadOnlyList<(double Le, double Count)> Buckets, double Sum)
{
    public double Count => Buckets.Count == 0 ? 0 : Buckets[^1].Count;

    public double? Mean => Count > 0 ? Sum / Count : null;

    /// <summary>The observations between two scrapes of the same histogram.</summary>
    public Histogram Minus(Histogram earlier) =>
        new(Buckets.Select(b => (b.Le, b.Count - earlier.Buckets.Where(e => e.Le == b.Le).Select(e => e.Count).FirstOrDefault())).ToList(), Sum - earlier.Sum);

    /// <summary>
    /// The observations of two workers' histograms (same buckets) together. A worker exports no buckets for a label it
    /// has not observed yet, so an empty side adds nothing.
    /// </summary>
    public Histogram Plus(Histogram other) =>
        other.Buckets.Count == 0 ? this
        : Buckets.Count == 0 ? other
        : new(Buckets.Select(b => (b.Le, b.Count + other.Buckets.Where(o => o.Le == b.Le).Select(o => o.Count).FirstOrDefault())).ToList(), Sum + other.Sum);

    /// <summary>
    /// The q-quantile the way Prometheus' <c>histogram_quantile</c> estimates it: linear within the bucket that holds
    /// it. With the lag histogram's doubling buckets the answer is good to a factor of two at worst; the bench's own
    /// probes give the exact figure.
    /// </summary>
    public double? Quantile(double q)
    {
        if (Count <= 0)
        {
            return null;
        }

        var rank = q * Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in Buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le))
                {
                    return lower;
                }

                var inBucket = count - below;
                return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below) / inBucket);
            }

            (lower, below) = (le, count);
        }

        return lower;
    }
}
