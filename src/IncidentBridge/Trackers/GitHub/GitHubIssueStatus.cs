using IncidentBridge.ActionItems;
using Octokit;

namespace IncidentBridge.Trackers.GitHub;

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

    public static string Of(Issue issue)
    {
        if (IsClosed(issue))
        {
            // An issue closed before GitHub recorded reasons has none: closing was how people said "done".
            return issue.StateReason is { } reason && NotPlannedReasons.Contains(reason.StringValue, StringComparer.OrdinalIgnoreCase)
                ? ActionItemStatus.NotDoing
                : ActionItemStatus.Done;
        }

        return IsLabelledInProgress(issue) ? ActionItemStatus.InProgress : ActionItemStatus.Open;
    }

    public static bool IsClosed(Issue issue) => issue.State.TryParse(out var state) && state == ItemState.Closed;

    public static bool IsLabelledInProgress(Issue issue) =>
        (issue.Labels ?? []).Any(l => InProgressLabels.Contains(l.Name, StringComparer.OrdinalIgnoreCase));
}
