using System.Globalization;
using IncidentBridge.ActionItems;
using Octokit;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// The status-sync listing (GitHub's incremental listing of a repository's issues): which action-item issues to ask for
/// and what each one answered means.
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
        Marker(issue),
        issue.UpdatedAt ?? issue.CreatedAt);

    /// <summary>The marker label, by which the sync still recognises an issue that was moved and got a new number.</summary>
    private static string? Marker(Issue issue) =>
        (issue.Labels ?? []).Select(l => l.Name).FirstOrDefault(n => n.StartsWith(ActionItemMarker.Prefix, StringComparison.OrdinalIgnoreCase));
}
