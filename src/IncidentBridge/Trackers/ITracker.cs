namespace IncidentBridge.Trackers;

/// <summary>
/// The narrow interface the action-item dispatcher needs from an issue tracker. Implementations classify
/// failures: <see cref="TrackerUnavailableException"/> (transient: outage, 5xx, 429/rate limit, timeout;
/// the outcome of a create may be unknown) and <see cref="TrackerRejectedException"/> (the request itself is
/// wrong: 400 with field errors, 401/403 without rate limiting, 404 project/repository).
/// </summary>
internal interface ITracker
{
    /// <summary>"Jira" or "GitHub", as in <c>IncidentBridge:Routing:Rules[].Tracker</c>.</summary>
    string Name { get; }

    /// <summary>The issue carrying <paramref name="marker"/> (the idempotency label) in the target, or null.</summary>
    Task<TrackerIssue?> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken);

    /// <summary>Creates the issue. When <see cref="NewTrackerIssue.Done"/> is set it is closed at once (Jira: done-category transition; GitHub: closed as completed).</summary>
    Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken);

    /// <summary>Brings an existing issue's title, assignee, due date and priority in line with <paramref name="issue"/>.</summary>
    Task UpdateAsync(TrackerTarget target, TrackerIssue existing, NewTrackerIssue issue, CancellationToken cancellationToken);

    /// <summary>
    /// The action-item issues of <paramref name="target"/> updated at or after <paramref name="since"/> (all of them when
    /// null). Implementations ask only for what changed (Jira JQL <c>updated &gt;=</c>, GitHub <c>since=</c>), page through
    /// the answer, and allow for the tracker's time granularity by overlapping the window; callers dedupe.
    /// </summary>
    Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>Marks an issue overdue: adds <paramref name="comment"/> and the <c>overdue</c> label. A deleted issue is a <see cref="TrackerRejectedException"/>.</summary>
    Task FlagOverdueAsync(TrackerTarget target, string issueKey, string comment, CancellationToken cancellationToken);
}
