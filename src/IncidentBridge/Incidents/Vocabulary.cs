namespace IncidentBridge.Incidents;

// The words incidents are stored and shown with, one definition each: the database keeps them as they are and the
// API returns them unchanged, so renaming one is a migration.

internal static class IncidentStatus
{
    public const string Triggered = "triggered";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
}

/// <summary>
/// Where an incident's evidence comes from: the webhook a delivery arrived on (<c>deliveries.source</c>, the
/// <c>source</c> label of the ingest and inbox metrics) and the kind of an incident's source (<c>incident_sources.kind</c>:
/// an Alertmanager or Grafana group key, or a PagerDuty incident). Jira and GitHub deliveries are about action items' issues, not incidents.
/// </summary>
internal static class SourceKinds
{
    public const string Alertmanager = "alertmanager";
    public const string PagerDuty = "pagerduty";
    public const string Jira = "jira";
    public const string GitHub = "github";
    public const string Grafana = "grafana";
}

/// <summary>The <c>kind</c> of a timeline entry. Correlation, postmortems, the dispatcher and the follow-up jobs all write the timeline.</summary>
internal static class TimelineKinds
{
    public const string Opened = "opened";
    public const string AlertFiring = "alert_firing";
    public const string AlertResolved = "alert_resolved";
    public const string Resolved = "resolved";
    public const string Reopened = "reopened";
    public const string Acknowledged = "acknowledged";
    public const string Unacknowledged = "unacknowledged";
    public const string SeverityRaised = "severity_raised";
    public const string Linked = "linked";
    public const string Escalated = "escalated";
    public const string Reassigned = "reassigned";
    public const string PriorityUpdated = "priority_updated";
    public const string Annotated = "annotated";
    public const string PagerDuty = "pagerduty";
    public const string PostmortemPosted = "postmortem_posted";
    public const string PostmortemUpdated = "postmortem_updated";
    public const string ActionItemRemoved = "action_item_removed";
    public const string ActionItemTracked = "action_item_tracked";
    public const string ActionItemStatus = "action_item_status";
    public const string ActionItemMoved = "action_item_moved";
    public const string ActionItemDuplicate = "action_item_duplicate";
    public const string ActionItemAssigned = "action_item_assigned";
    public const string ActionItemDueDate = "action_item_due_date";
    public const string ActionItemLost = "action_item_lost";
    public const string Overdue = "overdue";
    public const string Repeat = "repeat";
}
