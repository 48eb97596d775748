namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The Jira connection (CONTRACT §1). Cloud uses REST v3 with basic auth (<see cref="Email"/> + <see cref="ApiToken"/>);
/// Data Center uses REST v2 with a personal access token (<see cref="BearerToken"/>). No <see cref="BaseUrl"/> means
/// Jira is not configured: items routed to it wait in storage until it is.
/// </summary>
internal sealed class JiraOptions
{
    public const string Section = "IncidentBridge:Trackers:Jira";

    public string? BaseUrl { get; set; }

    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    public string? BearerToken { get; set; }

    /// <summary>3 for Jira Cloud, 2 for Jira Data Center (which has no v3).</summary>
    public int ApiVersion { get; set; } = 3;

    /// <summary>Issue type used when the route names none.</summary>
    public string IssueType { get; set; } = "Task";

    /// <summary>How long one attempt of one request may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In-process retries of requests that are safe to repeat (GET, PUT, searches). Creates are never retried here:
    /// the outbox retries them after a marker search. Kept small because the outbox is the real back-off.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>Base delay of those retries (exponential with jitter) when Jira sends no <c>Retry-After</c>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far before the last sync's time the status-sync search starts (<c>updated &gt;= since − SyncOverlap</c>).
    /// JQL compares <c>updated</c> to the minute and in the time zone of the Jira user the bot authenticates as, while
    /// the worker writes the time in UTC: with that user's profile set to UTC the default covers clock skew and the
    /// minute rounding; for a user in a zone behind UTC (e.g. UTC−5) the overlap must exceed that offset (5 h 15 min),
    /// or changes are missed. Zones ahead of UTC only widen the window. Re-read issues are deduped by the caller.
    /// </summary>
    public TimeSpan SyncOverlap { get; set; } = TimeSpan.FromMinutes(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);

    /// <summary>
    /// <see cref="BaseUrl"/> with one trailing slash, with or without one given, so that relative request paths
    /// resolve below it and a Data Center context path (<c>https://host/jira/</c>) is kept; null when not configured.
    /// </summary>
    public Uri? SiteRoot =>
        IsConfigured && Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) ? new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/") : null;

    public bool IsCloud => ApiVersion == 3;
}
