using System.Collections.Concurrent;
using System.Net;
using Octokit;
using Octokit.Caching;
using Octokit.Internal;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// The status-sync listing (GitHub's incremental listing of a repository's issues): which action-item issues to ask for
/// and what each one answered means. Below: the ETags that make an unchanged listing a free 304
/// (<see cref="GitHubListingETags"/>).
/// </summary>
internal static class GitHubChangeListing
{
    public const int PageSize = 100;

    /// <summary>
    /// GitHub keeps <c>updated_at</c> to the second and documents <c>since</c> as "after": asking from the second
    /// before makes consecutive windows overlap, so an issue updated in the same second as the last one seen is not missed.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(1);

    /// <summary>The first page, query included: the same repository and since always give the same URI, which its ETag belongs to.</summary>
    public static Uri FirstPage(GitHubRepository repo, DateTimeOffset? since)
    {
        var parameters = new Dictionary<string, string>
        {
            ["labels"] = TrackerLabels.ActionItem,
            ["state"] = "all",
        };
        if (since is { } from)
        {
            parameters["since"] = Since(from);
        }

        // Oldest change first, so a caller applies an issue's changes in the order they happened.
        parameters["sort"] = "updated";
        parameters["direction"] = "asc";
        parameters["per_page"] = PageSize.ToString(CultureInfo.InvariantCulture);
        return ApiUrls.Issues(repo.Owner, repo.Name).ApplyParameters(parameters);
    }

    /// <summary>The <c>since</c> GitHub is sent for <paramref name="since"/>: whole seconds, UTC, minus the overlap.</summary>
    public static string Since(DateTimeOffset since)
    {
        var utc = since.ToUniversalTime();
        var wholeSeconds = new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return (wholeSeconds - Overlap).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The change <paramref name="issue"/> of <paramref name="repo"/> stands for, keyed as a create's answer is, so the sync finds its item.</summary>
    public static TrackerIssueChange ToChange(GitHubRepository repo, Issue issue) => new(
        new GitHubIssueKey(repo, issue.Number).ToString(),
        issue.HtmlUrl,
        GitHubIssueStatus.Of(issue),
        Marker((issue.Labels ?? []).Select(l => l.Name)),
        issue.UpdatedAt ?? issue.CreatedAt)
    {
        Assignee = issue.Assignee?.Login ?? issue.Assignees?.FirstOrDefault()?.Login,
    };

    /// <summary>The marker label, by which the sync still recognises an issue that was moved and got a new number.</summary>
    public static string? Marker(IEnumerable<string> labels) =>
        labels.FirstOrDefault(n => n.StartsWith(ActionItemMarker.Prefix, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Conditional requests for the status-sync listing, so an unchanged listing costs a 304, which GitHub does not count
/// against the rate limit (docs/PROTOCOLS.md, GitHub). Octokit sends <c>If-None-Match</c> only from a response cache
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
