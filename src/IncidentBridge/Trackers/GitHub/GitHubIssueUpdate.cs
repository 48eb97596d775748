using Octokit;

namespace IncidentBridge.Trackers.GitHub;

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
