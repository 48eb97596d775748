using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// Title and Markdown body of an action item's issue. The description comes first and verbatim; the marker is an
/// HTML comment, invisible when rendered but kept in the raw body so a look-up can confirm a label match.
/// Due date and priority live here (GitHub issues have no such fields), so an update rewrites the body.
/// </summary>
internal static class GitHubIssueText
{
    /// <summary>GitHub refuses titles longer than this (422).</summary>
    public const int MaxTitleLength = 256;

    public static string HiddenMarker(string marker) => $"<!-- incidentbridge:marker={marker} -->";

    /// <summary>What a comment IncidentBridge wrote carries, so a retry can tell it is already there.</summary>
    public static string HiddenCommentId(string hiddenId) => $"<!-- incidentbridge:comment={hiddenId} -->";

    /// <summary>
    /// <paramref name="text"/>, ending in "Duplicate of <paramref name="kept"/>" unless it already says so: that line is
    /// what makes GitHub show the issue as a duplicate and link the kept one.
    /// </summary>
    public static string NamingDuplicate(string text, string kept)
    {
        var line = $"Duplicate of {kept}";

        // "Duplicate of #7" must not pass for "Duplicate of #70".
        var named = Regex.IsMatch(text, $"{Regex.Escape(line)}(?![0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return named ? text : $"{text.TrimEnd()}\n\n{line}";
    }

    public static string Comment(string text, string hiddenId) => $"{text.TrimEnd()}\n\n{HiddenCommentId(hiddenId)}\n";

    public static string Title(string title)
    {
        var trimmed = title.Trim();
        if (trimmed.Length <= MaxTitleLength)
        {
            return trimmed;
        }

        var cut = MaxTitleLength - 1;
        if (char.IsHighSurrogate(trimmed[cut - 1]))
        {
            cut--;
        }

        return string.Concat(trimmed.AsSpan(0, cut), "…");
    }

    /// <summary>
    /// The body; <paramref name="assigneeRefused"/> when GitHub would not assign the owner's login, so the owner line
    /// says so: the body is then the only place that names who should do it.
    /// </summary>
    public static string Body(NewTrackerIssue issue, bool assigneeRefused = false)
    {
        var content = issue.Content;
        var body = new StringBuilder();
        body.Append(content.Description).Append("\n\n---\n\n");
        body.Append("- **Incident:** ").Append(Link(content.IncidentTitle, content.IncidentUrl)).Append(" (`").Append(content.IncidentId).Append("`)\n");
        body.Append("- **Postmortem:** ").Append(Link(content.PostmortemTitle, content.PostmortemUrl)).Append(" (`").Append(content.PostmortemId).Append("`)\n");
        if (!string.IsNullOrWhiteSpace(content.ActionType))
        {
            body.Append("- **Action type:** ").Append(content.ActionType).Append('\n');
        }

        body.Append("- **Owner:** ").Append(Owner(content.Owner, issue.Assignee?.GitHubLogin, assigneeRefused)).Append('\n');
        body.Append("- **Priority:** ").Append(issue.Priority).Append('\n');
        if (issue.DueDate is { } due)
        {
            body.Append("- **Due date:** ").Append(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        }

        body.Append('\n').Append(HiddenMarker(issue.Marker)).Append('\n');
        return body.ToString();
    }

    /// <summary>True when two bodies say the same; GitHub may hand a body back with CRLF line ends.</summary>
    public static bool SameBody(string? current, string wanted) =>
        string.Equals(current?.ReplaceLineEndings("\n").TrimEnd(), wanted.TrimEnd(), StringComparison.Ordinal);

    private static string Owner(string owner, string? login, bool assigneeRefused) => login switch
    {
        { Length: > 0 } when assigneeRefused => $"{Escape(owner)} (could not be assigned on GitHub as @{login})",
        { Length: > 0 } => $"{Escape(owner)} (@{login})",
        _ => $"{Escape(owner)} (no GitHub login known, so the issue is not assigned)",
    };

    private static string Link(string text, string? url) =>
        url is { Length: > 0 } ? $"[{Escape(text)}](<{url}>)" : Escape(text);

    /// <summary>Keeps titles from turning into links, emphasis or HTML when they contain Markdown punctuation.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text.ReplaceLineEndings(" "))
        {
            if (c is '\\' or '[' or ']' or '*' or '_' or '`' or '<' or '>')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
