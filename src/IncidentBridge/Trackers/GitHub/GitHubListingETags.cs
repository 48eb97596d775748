using System.Collections.Concurrent;
using System.Net;
using Octokit.Caching;
using Octokit.Internal;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// Conditional requests for the status-sync listing, so an unchanged listing costs a 304, which GitHub does not count
/// against the rate limit. Octokit sends <c>If-None-Match</c> only from a response cache
/// and, on a 304, hands back what that cache holds: here the answer that carried the ETag, marked 304 so the listing
/// can tell. Every other GET passes through untouched.
/// </summary>
/// <remarks>
/// One first page per repository is remembered (a new <c>since</c> replaces the last one, so memory stays bounded),
/// and only when that page was the whole answer: with <c>sort=updated&amp;direction=asc</c> an issue on a later page
/// that changes moves to the end, which can leave the first page, and so its ETag, the same.
/// </remarks>
internal sealed class GitHubListingETags : IResponseCache
{
    private readonly ConcurrentDictionary<string, (string FirstPage, CachedResponse.V1? Answer)> _byRepository = new(StringComparer.Ordinal);

    /// <summary>Announces that <paramref name="firstPage"/> is about to be requested, so its answer may be kept.</summary>
    public void Expect(Uri firstPage)
    {
        var wanted = firstPage.OriginalString;
        _byRepository.AddOrUpdate(
            WithoutQuery(wanted),
            _ => (wanted, null),
            (_, known) => known.FirstPage == wanted ? known : (wanted, null));
    }

    public Task<CachedResponse.V1?> GetAsync(IRequest request)
    {
        var endpoint = request.Endpoint.OriginalString;
        var answer = _byRepository.TryGetValue(WithoutQuery(endpoint), out var listing) && listing.FirstPage == endpoint ? listing.Answer : null;
        return Task.FromResult(answer);
    }

    public Task SetAsync(IRequest request, CachedResponse.V1 cachedResponse)
    {
        var endpoint = request.Endpoint.OriginalString;
        var key = WithoutQuery(endpoint);
        if (_byRepository.TryGetValue(key, out var listing) && listing.FirstPage == endpoint)
        {
            // Only if nobody announced another since in the meantime.
            _byRepository.TryUpdate(key, (listing.FirstPage, Remembered(cachedResponse)), listing);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The answer to replay on a 304, or null when it must not be: it has more pages, or no ETag to send.
    /// The same issues rather than none, because a caller that failed to apply them asks again with the same since.
    /// </summary>
    private static CachedResponse.V1? Remembered(CachedResponse.V1 answer)
    {
        var info = answer.ApiInfo;
        var morePages = info?.Links is { } links && links.ContainsKey("next");
        return morePages || info?.Etag is not { Length: > 0 }
            ? null
            : new CachedResponse.V1(answer.Body, answer.Headers, info, HttpStatusCode.NotModified, answer.ContentType);
    }

    private static string WithoutQuery(string endpoint) =>
        endpoint.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? endpoint[..at] : endpoint;
}
