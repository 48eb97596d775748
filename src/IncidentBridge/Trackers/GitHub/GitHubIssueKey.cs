using System.Text.RegularExpressions;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// One issue: its repository and number. Keys this tracker hands out are <c>owner/repo#n</c>, so that an issue stays
/// unambiguous when a route moves to another repository; a key read back also may be <c>#n</c> or <c>n</c> (in the
/// route's repository) or the issue's address, as a postmortem author pastes it.
/// </summary>
internal sealed partial record GitHubIssueKey(GitHubRepository Repository, int Number)
{
    public override string ToString() => $"{Repository.FullName}#{Number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>How a comment in <paramref name="from"/> names this issue: GitHub resolves a bare <c>#n</c> in the comment's own repository.</summary>
    public string ReferenceFrom(GitHubRepository from) =>
        string.Equals(Repository.FullName, from.FullName, StringComparison.OrdinalIgnoreCase)
            ? $"#{Number.ToString(CultureInfo.InvariantCulture)}"
            : ToString();

    public bool IsSameIssueAs(GitHubIssueKey other) =>
        Number == other.Number && string.Equals(Repository.FullName, other.Repository.FullName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads <paramref name="key"/>. An address must be on the host this tracker talks to (<paramref name="apiBase"/>,
    /// or the web host whose API host is <c>api.</c> and that name): the same owner/repo#n on another GitHub is another issue.
    /// </summary>
    public static GitHubIssueKey Parse(string key, TrackerTarget target, Uri apiBase)
    {
        var text = key.Trim();
        if (FullKey().Match(text) is { Success: true } full)
        {
            return new GitHubIssueKey(new GitHubRepository(full.Groups["owner"].Value, full.Groups["repo"].Value), ParseNumber(full.Groups["number"].Value, key));
        }

        if (ShortKey().Match(text) is { Success: true } bare)
        {
            return new GitHubIssueKey(GitHubRepository.Of(target), ParseNumber(bare.Groups["number"].Value, key));
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var address) && (address.Scheme == Uri.UriSchemeHttps || address.Scheme == Uri.UriSchemeHttp))
        {
            return FromAddress(address, key, apiBase);
        }

        throw new TrackerRejectedException($"'{key}' is not a GitHub issue: expected owner/repo#n, #n, or the issue's address.");
    }

    private static GitHubIssueKey FromAddress(Uri address, string key, Uri apiBase)
    {
        if (!string.Equals(address.Host, apiBase.Host, StringComparison.OrdinalIgnoreCase)
            && !string.Equals("api." + address.Host, apiBase.Host, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrackerRejectedException($"'{key}' is an issue on {address.Host}, but IncidentBridge talks to the GitHub at {apiBase.Host} ({GitHubOptions.Section}:BaseUrl).");
        }

        // The web address ends owner/repo/issues/n; the API's ends the same after repos/ (and api/v3/ on Enterprise Server).
        var segments = address.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is [.., var owner, var repo, "issues", var number] && ShortKey().IsMatch(number))
        {
            return new GitHubIssueKey(new GitHubRepository(Uri.UnescapeDataString(owner), Uri.UnescapeDataString(repo)), ParseNumber(number, key));
        }

        throw new TrackerRejectedException($"'{key}' is not the address of a GitHub issue (…/owner/repo/issues/n).");
    }

    private static int ParseNumber(string digits, string key) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new TrackerRejectedException($"'{key}' does not name a GitHub issue number.");

    [GeneratedRegex("^(?<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?<repo>[A-Za-z0-9._-]+)#(?<number>[0-9]+)$")]
    private static partial Regex FullKey();

    [GeneratedRegex("^#?(?<number>[0-9]+)$")]
    private static partial Regex ShortKey();
}

/// <summary>A route's <c>Repository</c> ("owner/name") split for Octokit.</summary>
internal sealed record GitHubRepository(string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";

    public static GitHubRepository Of(TrackerTarget target)
    {
        var parts = (target.Repository ?? "").Trim().Split('/');
        if (parts is not [{ Length: > 0 } owner, { Length: > 0 } name])
        {
            throw new TrackerRejectedException($"The route's GitHub repository must be \"owner/name\" (was '{target.Repository}').");
        }

        return new GitHubRepository(owner, name);
    }
}
