namespace IncidentBridge.Trackers;

/// <summary>
/// The issue for one action item. <see cref="Marker"/> is the deterministic idempotency label
/// (<c>incidentbridge-&lt;hex&gt;</c>) that a retry searches for before creating. <see cref="Labels"/> already
/// holds <c>incident</c>, <c>action-item</c>, the priority, the route's labels and the marker. Each tracker
/// renders <see cref="Content"/> in its own format (ADF, wiki text, Markdown) with the description verbatim.
/// </summary>
internal sealed record NewTrackerIssue(
    string Marker,
    string Title,
    IssueContent Content,
    IReadOnlyList<string> Labels,
    string Priority,
    DateOnly? DueDate,
    TrackerAssignee? Assignee,
    bool Done);

/// <summary>What the issue body says: the item, where it came from, and links back.</summary>
internal sealed record IssueContent(
    string Description,
    string? ActionType,
    string Owner,
    string IncidentId,
    string IncidentTitle,
    string PostmortemId,
    string PostmortemTitle,
    string? IncidentUrl,
    string? PostmortemUrl);

/// <summary>Who the owner is in each tracker; any part may be unknown.</summary>
internal sealed record TrackerAssignee(string? Email, string? JiraAccountId, string? GitHubLogin);
