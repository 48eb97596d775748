using System.Net.Http.Headers;

namespace IncidentBridge.Trackers.Jira;

internal static class JiraRetryAfter
{
    /// <summary>How long Jira asked us to wait: <c>Retry-After</c> in seconds or as an HTTP date; null when it did not say.</summary>
    public static TimeSpan? From(HttpResponseMessage response, TimeProvider time) =>
        response.Headers.RetryAfter is { } header ? Delay(header, time) : null;

    public static TimeSpan Delay(RetryConditionHeaderValue header, TimeProvider time)
    {
        if (header.Delta is { } delta)
        {
            return delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return TimeSpan.Zero;
    }
}
