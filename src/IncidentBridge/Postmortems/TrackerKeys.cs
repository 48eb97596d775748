using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems;

/// <summary>
/// The issue keys a postmortem may name for an action item (<c>trackerKey</c>, or a Ticket column), in the form the trackers
/// are asked for: a Jira key (<c>PAY-123</c>, also taken from a <c>…/browse/PAY-123</c> link), a GitHub issue
/// (<c>owner/repo#42</c>, also taken from <c>https://github.com/owner/repo/issues/42</c>), or an issue number in the
/// routed repository (<c>#42</c>, also written <c>42</c>). Canonical forms let two items naming one issue be told.
/// </summary>
internal static partial class TrackerKeys
{
    public const string Expected =
        "use a Jira key (PAY-123), a GitHub issue (owner/repo#42, #42 or https://github.com/owner/repo/issues/42), or leave it empty";

    /// <summary>Words that say there is no issue yet: a template's filler, not a key.</summary>
    public static bool IsNone(string text)
    {
        var value = text.Trim();
        return value.Length == 0 || value is "-" or "–" or "—" || value.Equals("TBD", StringComparison.OrdinalIgnoreCase) ||
            value.Equals("n/a", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A link to a pull (or merge) request: the work's change, not an issue to adopt.</summary>
    public static bool IsPullRequest(string text) => PullRequestUrl().IsMatch(text.Trim());

    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? key)
    {
        var value = text.Trim();
        if (JiraKey().IsMatch(value) || GitHubKey().IsMatch(value))
        {
            key = value;
        }
        else if (IssueNumber().Match(value) is { Success: true } number)
        {
            key = "#" + number.Groups[1].Value;
        }
        else if (GitHubUrl().Match(value) is { Success: true } github)
        {
            key = $"{github.Groups[1].Value}/{github.Groups[2].Value}#{github.Groups[3].Value}";
        }
        else if (JiraUrl().Match(value) is { Success: true } jira)
        {
            key = jira.Groups[1].Value;
        }
        else
        {
            key = null;
        }

        return key is not null;
    }

    /// <summary>Whether two canonical keys name one issue: equal, or one is the bare number <c>#42</c> of the other's <c>owner/repo#42</c>.</summary>
    public static bool Same(string a, string b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase) ||
        a.StartsWith('#') && b.EndsWith(a, StringComparison.Ordinal) ||
        b.StartsWith('#') && a.EndsWith(b, StringComparison.Ordinal);

    // The parts of a key, each written once for the key and for the link that carries it: a Jira key, and GitHub's owner
    // (39 characters at most), repository (100) and issue number.
    private const string JiraKeyPattern = @"[A-Z][A-Z0-9_]+-\d+";
    private const string OwnerPattern = @"[A-Za-z0-9][A-Za-z0-9-]{0,38}";
    private const string RepositoryPattern = @"[A-Za-z0-9._-]{1,100}";
    private const string NumberPattern = @"[1-9]\d*";

    [GeneratedRegex("^" + JiraKeyPattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex JiraKey();

    [GeneratedRegex("^" + OwnerPattern + "/" + RepositoryPattern + "#" + NumberPattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubKey();

    [GeneratedRegex("^#?(" + NumberPattern + ")$", RegexOptions.CultureInvariant)]
    private static partial Regex IssueNumber();

    // Any host: GitHub Enterprise serves the same paths. Only the issue's place is kept; the routed tracker knows its host.
    [GeneratedRegex(@"^https?://[^/\s]+/(" + OwnerPattern + ")/(" + RepositoryPattern + ")/issues/(" + NumberPattern + @")/?(?:[?#]\S*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubUrl();

    [GeneratedRegex(@"^https?://[^/\s]+/\S+/(?:pull|pulls|merge_requests)/\d+/?(?:[?#]\S*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PullRequestUrl();

    [GeneratedRegex(@"^https?://[^/\s]+(?:/\S*)?/browse/(" + JiraKeyPattern + @")/?(?:[?#]\S*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JiraUrl();
}
