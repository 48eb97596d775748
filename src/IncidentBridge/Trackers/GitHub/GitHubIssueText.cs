using System.Globalization;
using System.Text;

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

    public static string Body(NewTrackerIssue issue)
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

        body.Append("- **Owner:** ").Append(Owner(content.Owner, issue.Assignee?.GitHubLogin)).Append('\n');
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

    private static string Owner(string owner, string? login) =>
        login is { Length: > 0 }
            ? $"{Escape(owner)} (@{login})"
            : $"{Escape(owner)} (no GitHub login known, so the issue is not assigned)";

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
