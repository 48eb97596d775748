namespace IncidentBridge.Trackers;

/// <summary>
/// What changed in one tracker target since a point in time: the action-item issues (those labelled
/// <c>action-item</c>) updated since, with their marker so a moved issue (new key) is still recognised,
/// and how many HTTP requests the listing took (status sync must grow with changes, not with all items).
/// </summary>
internal sealed record TrackerChanges(IReadOnlyList<TrackerIssueChange> Issues, int Requests);

/// <summary>One changed issue: its key, link, state (open, in-progress, done), marker label if present, and when it changed.</summary>
internal sealed record TrackerIssueChange(string Key, string Url, string Status, string? Marker, DateTimeOffset UpdatedAt);
