namespace IncidentBridge.Trackers;

/// <summary>
/// The tracker could not be reached or asked us to wait (5xx, 429, secondary rate limit, timeout, connection lost).
/// The work is retried later, after <see cref="RetryAfter"/> when the tracker said so; a create that failed this
/// way may have happened, so the retry looks for the marker first.
/// </summary>
internal sealed class TrackerUnavailableException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
