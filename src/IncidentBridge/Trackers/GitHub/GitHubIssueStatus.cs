using IncidentBridge.ActionItems;
using Octokit;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// An issue's state as an action-item status. GitHub issues are only open or closed, so "in progress" is the
/// convention of a label; the look-up and the status sync share this mapping so they never disagree.
/// </summary>
internal static class GitHubIssueStatus
{
    private static readonly string[] InProgressLabels = ["in-progress", "in progress"];

    public static string Of(Issue issue)
    {
        // Closed as not planned (or as a duplicate) counts as done too: nobody will work on it, so the follow-up
        // must stop chasing it; why it was closed stays visible on the issue.
        if (issue.State.TryParse(out var state) && state == ItemState.Closed)
        {
            return ActionItemStatus.Done;
        }

        return (issue.Labels ?? []).Any(l => InProgressLabels.Contains(l.Name, StringComparer.OrdinalIgnoreCase))
            ? ActionItemStatus.InProgress
            : ActionItemStatus.Open;
    }
}
