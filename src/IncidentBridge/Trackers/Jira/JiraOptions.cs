namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The Jira connection. Cloud uses REST v3 with basic auth (<see cref="Email"/> + <see cref="ApiToken"/>);
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

    /// <summary>The issue's page for people (<c>…/browse/PAY-12</c>); the bare key when Jira is not configured.</summary>
    public string BrowseUrl(string key) =>
        SiteRoot is { } root ? new Uri(root, "browse/" + Uri.EscapeDataString(key)).ToString() : key;
}

/// <summary>Collects every bad key and names each; never echoes a credential (or the URL, which may carry user info).</summary>
internal sealed class JiraOptionsValidator : IValidateOptions<JiraOptions>
{
    private const string S = JiraOptions.Section;

    // Polly refuses timeouts under 10 ms; more than a few minutes per attempt would hold a worker for nothing.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, JiraOptions options)
    {
        var failures = new List<string>();
        if (options.ApiVersion is not (2 or 3))
        {
            failures.Add($"{S}:ApiVersion must be 3 (Jira Cloud) or 2 (Jira Data Center) (was {options.ApiVersion}).");
        }

        if (string.IsNullOrWhiteSpace(options.IssueType))
        {
            failures.Add($"{S}:IssueType must not be empty.");
        }

        if (options.Timeout < MinTimeout || options.Timeout > MaxTimeout)
        {
            failures.Add($"{S}:Timeout must be between {MinTimeout} and {MaxTimeout} (was {options.Timeout}).");
        }

        if (options.MaxRetryAttempts is < 0 or > 5)
        {
            failures.Add($"{S}:MaxRetryAttempts must be between 0 and 5 (was {options.MaxRetryAttempts}).");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{S}:RetryDelay must be between 00:00:00 and 00:01:00 (was {options.RetryDelay}).");
        }

        // A day covers every UTC offset of the bot user's time zone; more would re-read most of the project each sync.
        if (options.SyncOverlap < TimeSpan.Zero || options.SyncOverlap > TimeSpan.FromDays(1))
        {
            failures.Add($"{S}:SyncOverlap must be between 00:00:00 and 1.00:00:00 (was {options.SyncOverlap}).");
        }

        if (options.IsConfigured)
        {
            failures.AddRange(ConnectionFailures(options));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> ConnectionFailures(JiraOptions options)
    {
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"{S}:BaseUrl must be an absolute http or https URL such as https://acme.atlassian.net.";
        }

        var basic = Has(options.Email) || Has(options.ApiToken);
        var bearer = Has(options.BearerToken);
        if (basic && bearer)
        {
            yield return $"{S}: set either {S}:Email and {S}:ApiToken (Jira Cloud) or {S}:BearerToken (Data Center personal access token), not both.";
        }
        else if (!basic && !bearer)
        {
            yield return $"{S}:BaseUrl is set but no credentials are: set {S}:Email and {S}:ApiToken (Jira Cloud) or {S}:BearerToken (Data Center personal access token).";
        }
        else if (basic && !Has(options.Email))
        {
            yield return $"{S}:Email is required with {S}:ApiToken (basic auth is email:api_token).";
        }
        else if (basic && !Has(options.ApiToken))
        {
            yield return $"{S}:ApiToken is required with {S}:Email (basic auth is email:api_token).";
        }
    }

    private static bool Has(string? value) => !string.IsNullOrWhiteSpace(value);
}
