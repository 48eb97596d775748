namespace IncidentBridge.Operations;

internal static class Backoff
{
    /// <summary>
    /// Exponential back-off for the <paramref name="attempts"/>-th failure: <paramref name="first"/> doubled per attempt,
    /// capped at <paramref name="max"/>, less up to 20% jitter so that work which failed together does not retry together.
    /// </summary>
    public static TimeSpan Delay(long attempts, TimeSpan first, TimeSpan max)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.2)));
    }
}
