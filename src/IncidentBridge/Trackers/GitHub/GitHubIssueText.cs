using System.Text.RegularExpressions;
using Octokit;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// Title and Markdown body of an action item's issue. The description comes first and verbatim; the marker is an
/// HTML comment, invisible when rendered but kept in the raw body so a look-up can confirm a label match.
/// Due date and priority live here (GitHub issues have no such fields), so an update rewrites the body.
/// Below: the PATCH an update sends (<see cref="GitHubIssueUpdate"/>) and what an issue's state means as an
/// action-item status (<see cref="GitHubIssueStatus"/>).
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

/// <summary>What an update changes on an existing issue; see <see cref="GitHubTracker.UpdateAsync"/>.</summary>
internal static class GitHubIssueUpdate
{
    /// <summary>
    /// The vocabulary of priority labels (P0..P3 and Critical/High/Medium/Low, optionally prefixed
    /// <c>priority:</c>, <c>priority/</c> or <c>priority-</c>): such a label not in the wanted set is stale.
    /// </summary>
    private static readonly HashSet<string> PriorityWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "P0", "P1", "P2", "P3", "P4", "Critical", "High", "Medium", "Low",
    };

    private static readonly string[] PriorityPrefixes = ["priority:", "priority/", "priority-"];

    /// <summary>
    /// The PATCH that brings <paramref name="current"/> in line with <paramref name="wanted"/>, or null when it already
    /// is. Never its state: closing is a step of its own. <paramref name="assigneeRefused"/>: GitHub would not assign
    /// the owner's login, so the assignees are left as they are and the body names the owner instead.
    /// </summary>
    public static IssueUpdate? Plan(Issue current, NewTrackerIssue wanted, bool assigneeRefused = false)
    {
        // Octokit always sends "milestone" (null when unset): carry the current one so the PATCH keeps it.
        var update = new IssueUpdate { Milestone = current.Milestone?.Number };
        var changed = false;

        var title = GitHubIssueText.Title(wanted.Title);
        if (!string.Equals(current.Title, title, StringComparison.Ordinal))
        {
            update.Title = title;
            changed = true;
        }

        var body = GitHubIssueText.Body(wanted, assigneeRefused);
        if (!GitHubIssueText.SameBody(current.Body, body))
        {
            update.Body = body;
            changed = true;
        }

        changed |= PlanLabels(current, wanted, update);
        if (!assigneeRefused)
        {
            changed |= PlanAssignee(current, wanted, update);
        }

        return changed ? update : null;
    }

    public static bool IsPriorityLabel(string label)
    {
        var word = label.Trim();
        foreach (var prefix in PriorityPrefixes)
        {
            if (word.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                word = word[prefix.Length..].Trim();
                break;
            }
        }

        return PriorityWords.Contains(word);
    }

    private static bool PlanLabels(Issue current, NewTrackerIssue wanted, IssueUpdate update)
    {
        // The marker label too, whatever the caller listed: an adopted issue without it could not be found again.
        var wantedLabels = wanted.Labels.Append(wanted.Marker).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var currentLabels = (current.Labels ?? []).Select(l => l.Name).ToList();
        var labels = currentLabels
            .Where(l => wantedLabels.Contains(l) || !IsPriorityLabel(l))
            .Concat(wanted.Labels)
            .Append(wanted.Marker)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (labels.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(currentLabels))
        {
            return false;
        }

        // The labels field replaces the whole set, so it lists the ones kept as well.
        update.ClearLabels();
        labels.ForEach(update.AddLabel);
        return true;
    }

    private static bool PlanAssignee(Issue current, NewTrackerIssue wanted, IssueUpdate update)
    {
        // With no known login there is nobody better to assign: leave whoever people assigned.
        if (wanted.Assignee?.GitHubLogin is not { Length: > 0 } login
            || (current.Assignees ?? []).Any(u => string.Equals(u.Login, login, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        update.ClearAssignees();
        update.AddAssignee(login);
        return true;
    }
}

/// <summary>
/// An issue's state as an action-item status. GitHub issues are only open or closed, so "in progress" is the
/// convention of a label, and "not doing" is why an issue was closed; the look-up and the status sync share this
/// mapping so they never disagree.
/// </summary>
internal static class GitHubIssueStatus
{
    /// <summary>The label IncidentBridge adds, and the spelling people also use for it.</summary>
    private static readonly string[] InProgressLabels = [TrackerLabels.InProgress, "in progress"];

    /// <summary>
    /// The <c>state_reason</c> values that mean nobody will do it. <c>duplicate</c> is newer than Octokit's enum, so the
    /// raw value is compared.
    /// </summary>
    private static readonly string[] NotPlannedReasons = ["not_planned", "duplicate"];

    public static string Of(Issue issue) =>
        Of(IsClosed(issue), issue.StateReason?.StringValue, (issue.Labels ?? []).Select(l => l.Name));

    /// <summary>The same mapping from the raw values, as a webhook's issue carries them.</summary>
    public static string Of(bool closed, string? stateReason, IEnumerable<string> labels)
    {
        if (closed)
        {
            // An issue closed before GitHub recorded reasons has none: closing was how people said "done".
            return stateReason is not null && NotPlannedReasons.Contains(stateReason, StringComparer.OrdinalIgnoreCase)
                ? ActionItemStatus.NotDoing
                : ActionItemStatus.Done;
        }

        return labels.Any(l => InProgressLabels.Contains(l, StringComparer.OrdinalIgnoreCase)) ? ActionItemStatus.InProgress : ActionItemStatus.Open;
    }

    public static bool IsClosed(Issue issue) => issue.State.TryParse(out var state) && state == ItemState.Closed;

    public static bool IsLabelledInProgress(Issue issue) =>
        (issue.Labels ?? []).Any(l => InProgressLabels.Contains(l.Name, StringComparer.OrdinalIgnoreCase));
}
