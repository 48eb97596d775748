using System.Net;
using Octokit;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// Sorts Octokit's failures into "wait and retry" and "the request is wrong". Octokit maps only 403 rate limits
/// to typed exceptions; a 429 arrives as a plain <see cref="ApiException"/>.
/// </summary>
internal static class GitHubErrors
{
    /// <summary>GitHub's advice when a secondary limit answer carries no <c>Retry-After</c>: wait at least a minute.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The tracker exception for <paramref name="error"/>, or null to let it through (the caller cancelled, or a bug).
    /// <paramref name="gone"/>, for calls on one issue, says what a 404 or 410 means there: the issue itself can be gone.
    /// </summary>
    public static Exception? Translate(Exception error, string operation, TimeProvider time, CancellationToken cancellationToken, string? gone = null) => error switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        RateLimitExceededException e => RateLimited(operation, "its rate limit is exhausted", Positive(e.GetRetryAfterTimeSpan()), e),
        SecondaryRateLimitExceededException e => RateLimited(operation, "a secondary rate limit was hit", RetryAfter(e.HttpResponse, time) ?? DefaultRetryAfter, e),
        AbuseException e => RateLimited(operation, "abuse detection was triggered", e.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : RetryAfter(e.HttpResponse, time) ?? DefaultRetryAfter, e),
        ApiException { StatusCode: HttpStatusCode.TooManyRequests } e => RateLimited(operation, "it answered 429", RetryAfter(e.HttpResponse, time) ?? DefaultRetryAfter, e),
        ForbiddenException e when AsksToWait(e.HttpResponse) => RateLimited(operation, "it answered 403 with rate-limit headers", RetryAfter(e.HttpResponse, time) ?? DefaultRetryAfter, e),
        ApiException e when (int)e.StatusCode >= 500 => new TrackerUnavailableException($"GitHub failed to {operation}: {Describe(e)}", RetryAfter(e.HttpResponse, time), e),
        AuthorizationException e => new TrackerRejectedException($"GitHub refused the token when asked to {operation}: {Describe(e)}. Check {GitHubOptions.Section}:Token.", e),
        ApiException { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.Gone } e when gone is not null => new TrackerRejectedException($"GitHub could not {operation}: {Describe(e)} ({gone}).", e),
        NotFoundException e => new TrackerRejectedException($"GitHub could not {operation}: {Describe(e)} (the repository does not exist or the token cannot see it).", e),
        ApiException e => new TrackerRejectedException($"GitHub refused to {operation}: {Describe(e)}", e),
        HttpRequestException e => new TrackerUnavailableException($"GitHub could not be reached to {operation}: {e.Message}", null, e),
        OperationCanceledException e => new TrackerUnavailableException($"GitHub did not answer in time to {operation}.", null, e),
        _ => null,
    };

    /// <summary>GitHub's own words: status, message and each field error of a 422.</summary>
    public static string Describe(ApiException error)
    {
        var message = error.ApiError?.Message is { Length: > 0 } m ? m : error.Message;
        var details = (error.ApiError?.Errors ?? [])
            .Select(d => string.Join(' ', new[] { d.Resource, d.Field, d.Code, d.Message }.Where(p => !string.IsNullOrEmpty(p))))
            .Where(d => d.Length > 0)
            .ToList();
        return details.Count == 0
            ? $"{(int)error.StatusCode} {message}"
            : $"{(int)error.StatusCode} {message} ({string.Join("; ", details)})";
    }

    /// <summary><c>Retry-After</c> (seconds or HTTP date), else the primary limit's reset time when none remain.</summary>
    public static TimeSpan? RetryAfter(IResponse? response, TimeProvider time)
    {
        if (Header(response, "Retry-After") is { } retryAfter)
        {
            if (int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return Positive(at - time.GetUtcNow());
            }
        }

        if (Header(response, "X-RateLimit-Remaining") == "0"
            && long.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            return Positive(DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow());
        }

        return null;
    }

    private static TrackerUnavailableException RateLimited(string operation, string why, TimeSpan retryAfter, Exception error) =>
        new($"GitHub asked us to wait before we {operation}: {why}; retry after {retryAfter}.", retryAfter, error);

    /// <summary>A 403 whose body Octokit did not recognise but whose headers say it is a rate limit.</summary>
    private static bool AsksToWait(IResponse? response) =>
        Header(response, "Retry-After") is not null || Header(response, "X-RateLimit-Remaining") == "0";

    /// <summary>Octokit keeps header names as received (HTTP/2 sends them lower-case), so look up without case.</summary>
    private static string? Header(IResponse? response, string name) =>
        response?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Never advise an immediate retry: the clocks of two machines disagree by a second or so.</summary>
    private static TimeSpan Positive(TimeSpan wait) => wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1);
}
