namespace IncidentBridge.Trackers;

/// <summary>
/// The narrow interface the action-item dispatcher and the follow-up jobs need from an issue tracker. Every call is
/// one effect the caller records before it asks for the next (docs/ARCHITECTURE.md, "Exactly one issue per action
/// item"): a create only creates; the status, a duplicate's close and each comment are steps of their own.
/// Implementations classify failures: <see cref="TrackerUnavailableException"/> (transient: outage, 5xx, 429/rate
/// limit, timeout; the outcome of a write may be unknown) and <see cref="TrackerRejectedException"/> (the request
/// itself is wrong: 400 with field errors, 401/403 without rate limiting, 404 project/repository, not configured).
/// </summary>
internal interface ITracker
{
    /// <summary>One of <see cref="TrackerNames"/>, as in <c>IncidentBridge:Routing:Rules[].Tracker</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Every issue in <paramref name="target"/> that carries <paramref name="marker"/> (the idempotency label), oldest
    /// first; empty when none. More than one only when duplicates exist (made by hand, or by a search lag).
    /// The search may lag behind creates (Jira Cloud): the caller decides when an empty answer can be trusted.
    /// </summary>
    Task<IReadOnlyList<TrackerIssue>> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken);

    /// <summary>
    /// One issue by its key (<c>PAY-123</c>, <c>owner/repo#42</c>, or a GitHub issue URL), read directly (not through
    /// the search index); null when it does not exist. Used to adopt an issue a postmortem names.
    /// </summary>
    Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the issue, open, with its labels (marker included), due date, priority and assignee, and nothing else:
    /// the caller records the key before any later step. An owner the tracker refuses to assign (GitHub 422, Jira 400
    /// on the assignee) does not hold the issue back: it is created unassigned with a line naming the owner, and
    /// <see cref="TrackerIssue.Note"/> says so.
    /// </summary>
    Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken);

    /// <summary>
    /// Brings issue <paramref name="key"/> in line with <paramref name="issue"/>: summary/title, description/body,
    /// assignee, priority and its label (a stale priority label is swapped; other labels stay), due date, and the
    /// marker label (added when missing, so an adopted issue can be found). Not its status. Idempotent: nothing is
    /// sent when the issue already matches. An unassignable owner is handled as in <see cref="CreateAsync"/>.
    /// </summary>
    Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken);

    /// <summary>
    /// Moves issue <paramref name="key"/> to <paramref name="status"/>: <c>in-progress</c> (GitHub: the
    /// <c>in-progress</c> label; Jira: a transition into the <c>indeterminate</c> category) or <c>done</c> (GitHub:
    /// closed as completed; Jira: a transition into the <c>done</c> category). Idempotent; never reopens a closed issue;
    /// <c>open</c> asks for nothing. A workflow that offers no such transition leaves the issue as it is (logged).
    /// </summary>
    Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken);

    /// <summary>
    /// The action-item issues of <paramref name="target"/> updated at or after <paramref name="since"/> (all of them when
    /// null). Implementations ask only for what changed (Jira JQL <c>updated &gt;=</c>, GitHub <c>since=</c>), page through
    /// the answer, and allow for the tracker's time granularity by overlapping the window; callers dedupe.
    /// </summary>
    /// <param name="reconcile">
    /// Issue ids a webhook told us about lately (at most <see cref="TrackerChanges.MaxReconcile"/>): Jira Cloud is asked to
    /// make them current in this search (<c>reconcileIssues</c>), so a lagging index does not contradict the webhook. Others ignore it.
    /// </param>
    Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, IReadOnlyList<long> reconcile, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="comment"/> on issue <paramref name="key"/> unless a comment with the same hidden marker
    /// (<see cref="TrackerComment.HiddenId"/>) is already there: at most once per item and purpose, also when an earlier
    /// answer was lost. A deleted issue is a <see cref="TrackerRejectedException"/>.
    /// </summary>
    Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken);

    /// <summary>Adds the <c>overdue</c> label (idempotent), then the comment once (<see cref="CommentOnceAsync"/>).</summary>
    Task FlagOverdueAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken);

    /// <summary>
    /// Closes <paramref name="duplicateKey"/> as a duplicate of <paramref name="keptKey"/>: Jira, a comment naming the kept
    /// key and a done-category transition; GitHub, a "Duplicate of #n" comment and closed as <c>not_planned</c>. Each part
    /// idempotent (the comment through its hidden marker; an issue already closed is not touched again).
    /// </summary>
    Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken);
}

/// <summary>
/// Where an issue goes: a Jira project (with issue type, components and custom fields that project requires)
/// or a GitHub repository ("owner/name"), plus extra labels of the route.
/// </summary>
internal sealed record TrackerTarget(
    string Tracker,
    string? Project,
    string? Repository,
    string? IssueType,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Components,
    IReadOnlyDictionary<string, JsonElement> CustomFields);

/// <summary>
/// The issue for one action item. <see cref="Marker"/> is the deterministic idempotency label
/// (<c>incidentbridge-&lt;hex&gt;</c>) that a retry searches for before creating. <see cref="Labels"/> already
/// holds <c>incident</c>, <c>action-item</c>, the priority, the route's labels and the marker. Each tracker
/// renders <see cref="Content"/> in its own format (ADF, wiki text, Markdown) with the description verbatim.
/// <see cref="Status"/> is the item's own status; <see cref="ITracker.CreateAsync"/> ignores it (a later step applies it).
/// </summary>
internal sealed record NewTrackerIssue(
    string Marker,
    string Title,
    IssueContent Content,
    IReadOnlyList<string> Labels,
    string Priority,
    DateOnly? DueDate,
    TrackerAssignee? Assignee,
    string Status);

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

/// <summary>
/// An issue in a tracker: its key (<c>PAY-123</c>; on GitHub <c>owner/repo#12</c>, unambiguous across repositories),
/// link and state (open, in-progress, done, not-doing). <see cref="Note"/> is what the caller should show as the
/// item's sync error although the call succeeded (e.g. the owner could not be assigned). <see cref="StaleBefore"/>, from
/// an update, is a time in the tracker's clock: a reading of the issue (webhook, poll) updated before it shows the issue
/// as it was before this update wrote the item's values, so it must not be taken back onto the item.
/// </summary>
internal sealed record TrackerIssue(string Key, string Url, string Status, string? Note = null, DateTimeOffset? StaleBefore = null);

/// <summary>
/// A comment IncidentBridge writes, at most once per item and purpose: <see cref="HiddenId"/> goes into the comment
/// (GitHub: an HTML comment; Jira: a comment property and a trailing line) and is what a retry looks for.
/// </summary>
internal sealed record TrackerComment(string Marker, string Purpose, string Text)
{
    public string HiddenId => $"{Marker}:{Purpose}";
}

/// <summary>
/// What changed in one tracker target since a point in time: the action-item issues (those labelled
/// <c>action-item</c>) updated since, with their marker so a moved issue (new key) is still recognised,
/// and how many HTTP requests the listing took (status sync must grow with changes, not with all items).
/// </summary>
internal sealed record TrackerChanges(IReadOnlyList<TrackerIssueChange> Issues, int Requests)
{
    /// <summary>Jira Cloud reconciles at most 50 issues per search.</summary>
    public const int MaxReconcile = 50;
}

/// <summary>
/// One issue as the tracker holds it now: its key, link, state (open, in-progress, done, not-doing), marker label if
/// present, and when it last changed, in the tracker's clock (what orders readings of one issue: an older one is stale).
/// </summary>
internal sealed record TrackerIssueChange(string Key, string Url, string Status, string? Marker, DateTimeOffset UpdatedAt)
{
    /// <summary>Who the issue is assigned to, as the tracker names people (Jira: accountId, or name on Data Center; GitHub: login); null when nobody is.</summary>
    public string? Assignee { get; init; }

    /// <summary>Whether the tracker has due dates at all (Jira does; GitHub issues do not): only then is <see cref="DueDate"/> news.</summary>
    public bool HasDueDate { get; init; }

    public DateOnly? DueDate { get; init; }

    /// <summary>Jira's numeric issue id (what <c>reconcileIssues</c> takes); null elsewhere.</summary>
    public long? IssueId { get; init; }
}

/// <summary>
/// What one tracker webhook says about one issue (docs/ARCHITECTURE.md, "Tracker webhooks"): it changed (created,
/// edited, closed, assigned…), it was deleted, or it moved (Jira: to another project, with a new key; GitHub: transferred
/// to another repository). <see cref="Issue"/> is the issue as it is now, in <see cref="Target"/>; a move also names
/// where it was (<see cref="PreviousKey"/> in <see cref="PreviousTarget"/>).
/// </summary>
internal sealed record TrackerEvent(string Tracker, TrackerEventKind Kind, string Target, TrackerIssueChange Issue, string? PreviousKey = null, string? PreviousTarget = null);

internal enum TrackerEventKind
{
    Changed,
    Deleted,
    Moved,
}

/// <summary>
/// A tracker's webhook delivery, read: the issue event it carries, or null when it is about something IncidentBridge does
/// not follow (a ping, a comment, another event type), which is stored and ignored.
/// </summary>
internal sealed record TrackerWebhook(TrackerEvent? Event);

/// <summary>
/// Reads one tracker's webhook bodies (Jira admin webhooks, GitHub <c>issues</c> events). <see cref="Read"/> checks a body
/// before it is stored (a 400 names what is wrong) and reads it again when the inbox processes it.
/// </summary>
internal interface ITrackerWebhookReader
{
    /// <summary>The inbox source its deliveries are stored under (<c>jira</c>, <c>github</c>).</summary>
    string Source { get; }

    /// <param name="eventType">The kind the sender named outside the body (GitHub's <c>X-GitHub-Event</c>), else null.</param>
    Api.Parsed<TrackerWebhook> Read(ReadOnlySpan<byte> body, string? eventType);
}

/// <summary>
/// The tracker could not be reached or asked us to wait (5xx, 429, secondary rate limit, timeout, connection lost).
/// The work is retried later, after <see cref="RetryAfter"/> when the tracker said so; a create that failed this
/// way may have happened, so the retry looks for the marker first (after the search has had time to settle).
/// </summary>
internal sealed class TrackerUnavailableException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The longest wait a tracker's <c>Retry-After</c> is allowed to impose: a bogus or hostile header cannot park the work for days.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>The tracker's <c>Retry-After</c>, at most <see cref="MaxRetryAfter"/>.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter > MaxRetryAfter ? MaxRetryAfter : retryAfter;

    /// <summary>What the tracker asked for, before the cap (to log that it was capped).</summary>
    public TimeSpan? RequestedRetryAfter { get; } = retryAfter;
}

/// <summary>
/// The tracker refused the request itself (e.g. Jira 400 with field errors, a missing project, no permission, not
/// configured). The message carries the tracker's own error text; the item shows it and is retried after the
/// configuration changes (at start, or after <c>RejectedRetryDelay</c>).
/// </summary>
internal sealed class TrackerRejectedException(string message, Exception? inner = null) : Exception(message, inner);
