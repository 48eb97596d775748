namespace IncidentBridge.Trackers;

/// <summary>
/// The trackers by name: what a routing rule's <c>Tracker</c> says, what <see cref="ITracker.Name"/> answers, and
/// what an item records as its tracker.
/// </summary>
internal static class TrackerNames
{
    public const string Jira = "Jira";
    public const string GitHub = "GitHub";
}

/// <summary>
/// The labels IncidentBridge writes on issues and reads back, spelled the same in every tracker. The marker label
/// (<c>incidentbridge-&lt;hex&gt;</c>) and the priority label are per item and come with <see cref="NewTrackerIssue.Labels"/>.
/// </summary>
internal static class TrackerLabels
{
    /// <summary>On every issue IncidentBridge creates: it came from an incident.</summary>
    public const string Incident = "incident";

    /// <summary>On every issue IncidentBridge creates; the status sync lists only issues that carry it.</summary>
    public const string ActionItem = "action-item";

    /// <summary>Added by the follow-up review when an item is past its due date; never removed by IncidentBridge.</summary>
    public const string Overdue = "overdue";

    /// <summary>GitHub only: issues are open or closed, so "in progress" is this label on an open issue.</summary>
    public const string InProgress = "in-progress";
}
