using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IncidentBridge.ActionItems;
using Microsoft.Extensions.Options;
using Polly;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The typed HttpClient for the few Jira REST calls the worker needs: Cloud (v3, ADF) or Data Center (v2, wiki text).
/// Short-lived like every typed client; <see cref="JiraTracker"/> is the long-lived face the dispatcher holds.
/// </summary>
internal sealed partial class JiraClient(HttpClient http, IOptions<JiraOptions> options, TimeProvider time, ILogger<JiraClient> logger) : ITracker
{
    public const string TrackerName = "Jira";
    public const string HttpClientName = "Jira";

    /// <summary>Two are enough to notice a duplicate; one is what a retry needs.</summary>
    private const int MarkerSearchLimit = 2;

    /// <summary>Jira Cloud's largest page for searches that return fields; Data Center may answer with fewer.</summary>
    private const int PageSize = 100;

    private const string OverdueLabel = "overdue";

    private static readonly string[] SearchFields = ["summary", "status"];

    private static readonly string[] ChangeFields = ["status", "labels", "updated"];

    private readonly JiraOptions _options = options.Value;
    private readonly JiraPaths _paths = new(options.Value.ApiVersion);

    public string Name => TrackerName;

    public async Task<IReadOnlyList<TrackerIssue>> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken)
    {
        var project = RequireProject(target);
        var search = new JiraSearchRequest(JiraJql.ProjectAndLabel(project, marker), SearchFields, MarkerSearchLimit, _options.IsCloud ? null : 0);
        using var request = Json(HttpMethod.Post, _paths.Search, search, JiraJsonContext.Wire.JiraSearchRequest);
        JiraResilience.MarkSafeToRepeat(request);
        var found = (await SendAsync(request, $"the search for marker {marker}", JiraJsonContext.Wire.JiraSearchResponse, cancellationToken)).Issues ?? [];
        var issues = found.OrderBy(IssueNumber).ToList();
        if (issues.Count > 1)
        {
            LogSeveralIssuesCarryMarker(marker, string.Join(", ", issues.Select(i => i.Key)), issues[0].Key);
        }

        return issues.Select(issue => new TrackerIssue(issue.Key, BrowseUrl(issue.Key), JiraStatuses.FromCategory(issue.Fields?.Status?.StatusCategory?.Key))).ToList();
    }

    public Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken) => throw new NotImplementedException();

    public async Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var project = RequireProject(target);
        var assignee = await ResolveAssigneeAsync(issue, cancellationToken);
        var body = new JiraCreateIssueRequest(
            NewIssueFields(project, target, issue, assignee),
            [new JiraEntityProperty("incidentbridge", new JiraMarkerProperty(issue.Marker, issue.Content.IncidentId, issue.Content.PostmortemId))]);

        // Not marked safe to repeat: a create whose answer was lost is retried by the outbox after a marker search.
        using var request = Json(HttpMethod.Post, _paths.Issue, body, JiraJsonContext.Wire.JiraCreateIssueRequest);
        var created = await SendAsync(request, $"the creation of an issue in {project}", JiraJsonContext.Wire.JiraCreatedIssue, cancellationToken);
        LogCreated(created.Key, project, issue.Marker);

        return new TrackerIssue(created.Key, BrowseUrl(created.Key), ActionItemStatus.Open);
    }

    /// <summary>
    /// One search, paged (Cloud by <c>nextPageToken</c>, Data Center by <c>startAt</c>), from <c>since</c> minus
    /// <see cref="JiraOptions.SyncOverlap"/>: JQL's <c>updated</c> is read to the minute in the bot user's time zone.
    /// An issue edited again during the listing may come twice; the latest reading of each is kept.
    /// </summary>
    public async Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var project = RequireProject(target);
        var jql = JiraJql.ChangedSince(project, since is { } start ? WindowStart(start) : null);
        var operation = $"the search for changed issues in {project}";
        var (found, requests) = _options.IsCloud
            ? await SearchByTokenAsync(jql, operation, cancellationToken)
            : await SearchByOffsetAsync(jql, operation, cancellationToken);

        var changes = found
            .Select(issue => ToChange(issue, operation))
            .GroupBy(change => change.Key, StringComparer.Ordinal)
            .Select(readings => readings.OrderBy(change => change.UpdatedAt).Last())
            .OrderBy(change => change.UpdatedAt)
            .ToList();
        LogListedChanges(changes.Count, project, since, requests);
        return new TrackerChanges(changes, requests);
    }

    /// <summary>
    /// Adds the <c>overdue</c> label, then the comment. The label edit is idempotent (and retried in the pipeline);
    /// the comment POST is not, so it goes last: a failure before it leaves nothing that the caller's retry would
    /// repeat. The caller makes sure a successful flag is not asked for again.
    /// </summary>
    public async Task FlagOverdueAsync(TrackerTarget target, string issueKey, TrackerComment overdue, CancellationToken cancellationToken)
    {
        var label = new JiraUpdateIssueRequest(new JiraIssueUpdate([new JiraLabelOperation(OverdueLabel)]));
        using (var request = Json(HttpMethod.Put, _paths.IssueByKey(issueKey), label, JiraJsonContext.Wire.JiraUpdateIssueRequest))
        {
            await SendToIssueAsync(request, issueKey, $"adding the {OverdueLabel} label to {issueKey}", cancellationToken);
        }

        // Jira refuses an empty comment body; the label alone still marks the issue.
        var comment = overdue.Text;
        if (!string.IsNullOrWhiteSpace(comment))
        {
            // Not marked safe to repeat: a comment whose answer was lost would be posted twice.
            var body = new JiraCommentRequest(JiraComments.Render(_options, comment));
            using var request = Json(HttpMethod.Post, _paths.Comments(issueKey), body, JiraJsonContext.Wire.JiraCommentRequest);
            await SendToIssueAsync(request, issueKey, $"the overdue comment on {issueKey}", cancellationToken);
        }

        LogFlaggedOverdue(issueKey);
    }

    public async Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var assignee = await ResolveAssigneeAsync(issue, cancellationToken);
        var fields = new JiraIssueFields
        {
            Summary = JiraFieldValues.Summary(issue.Title),
            DueDate = JiraFieldValues.DueDate(issue.DueDate),
            Priority = JiraFieldValues.Priority(issue.Priority),

            // An owner we cannot match leaves the assignee alone: someone may have assigned the issue in Jira.
            Assignee = assignee,
        };
        using var request = Json(HttpMethod.Put, _paths.IssueByKey(key), new JiraEditIssueRequest(fields), JiraJsonContext.Wire.JiraEditIssueRequest);
        await SendAsync(request, $"the update of {key}", cancellationToken);
        LogUpdated(key);
        return new TrackerIssue(key, BrowseUrl(key), ActionItemStatus.Open);
    }

    private JiraIssueFields NewIssueFields(string project, TrackerTarget target, NewTrackerIssue issue, JiraUserRef? assignee)
    {
        var fields = new JiraIssueFields
        {
            Project = new JiraKeyRef(project),
            Summary = JiraFieldValues.Summary(issue.Title),
            IssueType = new JiraNameRef(string.IsNullOrWhiteSpace(target.IssueType) ? _options.IssueType : target.IssueType),
            Description = JiraDescriptions.Render(_options, issue.Content, ownerMatched: assignee is not null),
            Labels = JiraFieldValues.Labels(issue.Labels, issue.Marker),
            DueDate = JiraFieldValues.DueDate(issue.DueDate),
            Priority = JiraFieldValues.Priority(issue.Priority),
            Assignee = assignee,
            Components = target.Components.Count == 0 ? null : target.Components.Select(name => new JiraNameRef(name)).ToList(),
        };
        return fields with { CustomFields = CustomFields(target, fields) };
    }

    /// <summary>
    /// The route's custom fields as given. One that repeats a field set above is dropped, since a JSON object
    /// with the same name twice is ambiguous; the route's own Components and IssueType are the way to set those.
    /// </summary>
    private static Dictionary<string, JsonElement>? CustomFields(TrackerTarget target, JiraIssueFields fields)
    {
        if (target.CustomFields.Count == 0)
        {
            return null;
        }

        var set = JsonSerializer.SerializeToElement(fields, JiraJsonContext.Wire.JiraIssueFields).EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return target.CustomFields.Where(field => !set.Contains(field.Key)).ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal);
    }

    /// <summary>Takes the first transition into a done-category status; false (and a warning) when the workflow offers none.</summary>
    private async Task<bool> TryTransitionToDoneAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, _paths.Transitions(key));
            var transitions = await SendAsync(list, $"the transitions of {key}", JiraJsonContext.Wire.JiraTransitionList, cancellationToken);
            var done = transitions.Transitions?.FirstOrDefault(t => t.To?.StatusCategory?.Key == JiraStatuses.DoneCategory);
            if (done is null)
            {
                LogNoDoneTransition(key);
                return false;
            }

            using var move = Json(HttpMethod.Post, _paths.Transitions(key), new JiraTransitionRequest(new JiraIdRef(done.Id)), JiraJsonContext.Wire.JiraTransitionRequest);
            await SendAsync(move, $"the transition of {key}", cancellationToken);
            LogTransitioned(key, done.To?.Name ?? done.Name ?? done.Id);
            return true;
        }
        catch (TrackerRejectedException e)
        {
            // E.g. the transition's screen requires a field: the issue stays open rather than failing the item.
            LogTransitionRejected(key, e.Message);
            return false;
        }
    }

    /// <summary>
    /// The owner's Jira user: a configured id (Cloud accountId, Data Center user name), else the one user whose
    /// search by e-mail matches exactly one. Null when there is none, or several, or the search is refused.
    /// </summary>
    private async Task<JiraUserRef?> ResolveAssigneeAsync(NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var user = issue.Assignee switch
        {
            { JiraAccountId: { } id } when !string.IsNullOrWhiteSpace(id) => id.Trim(),
            { Email: { } email } when !string.IsNullOrWhiteSpace(email) => await FindUserByEmailAsync(email.Trim(), cancellationToken),
            _ => null,
        };
        if (user is null)
        {
            LogOwnerNotMatched(issue.Content.Owner, issue.Marker);
            return null;
        }

        return _options.IsCloud ? new JiraUserRef(user, null) : new JiraUserRef(null, user);
    }

    private async Task<string?> FindUserByEmailAsync(string email, CancellationToken cancellationToken)
    {
        List<JiraUser> users;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _paths.UserSearch(email));
            users = await SendAsync(request, "the user search", JiraJsonContext.Wire.ListJiraUser, cancellationToken);
        }
        catch (TrackerRejectedException e)
        {
            // Without "Browse users" permission the issue is still worth creating, unassigned.
            LogUserSearchRejected(e.Message);
            return null;
        }

        var candidates = users
            .Where(u => u.Active != false && u.AccountType != "app" && !string.IsNullOrEmpty(UserId(u)))
            .ToList();
        if (candidates.Count > 1)
        {
            // Cloud hides most e-mail addresses, so a visible exact match only settles ties.
            candidates = candidates.Where(u => string.Equals(u.EmailAddress, email, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return candidates.Count == 1 ? UserId(candidates[0]) : null;
    }

    private string? UserId(JiraUser user) => _options.IsCloud ? user.AccountId : user.Name;

    /// <summary>Cloud: <c>search/jql</c> pages carry no total; follow <c>nextPageToken</c> until <c>isLast</c>.</summary>
    private async Task<(List<JiraFoundIssue> Issues, int Requests)> SearchByTokenAsync(string jql, string operation, CancellationToken cancellationToken)
    {
        var issues = new List<JiraFoundIssue>();
        var requests = 0;
        string? token = null;
        while (true)
        {
            var (page, sent) = await SearchPageAsync(new JiraSearchRequest(jql, ChangeFields, PageSize, null, token), operation, cancellationToken);
            requests += sent;
            issues.AddRange(page.Issues ?? []);
            if (page.IsLast == true || string.IsNullOrEmpty(page.NextPageToken))
            {
                return (issues, requests);
            }

            if (page.NextPageToken == token)
            {
                // Following it would loop for ever.
                throw new TrackerUnavailableException($"Jira's answer to {operation} could not be read: it returned the same nextPageToken twice.");
            }

            token = page.NextPageToken;
        }
    }

    /// <summary>
    /// Data Center: <c>startAt</c> advances by what each page returned (the server may cap <c>maxResults</c>) until
    /// <c>total</c>. An issue edited meanwhile moves to the end, so one not yet read can slip onto a page already read
    /// and be missed by this listing: it comes back in a later sync whose window still covers its update, or when it next changes.
    /// </summary>
    private async Task<(List<JiraFoundIssue> Issues, int Requests)> SearchByOffsetAsync(string jql, string operation, CancellationToken cancellationToken)
    {
        var issues = new List<JiraFoundIssue>();
        var requests = 0;
        while (true)
        {
            var (page, sent) = await SearchPageAsync(new JiraSearchRequest(jql, ChangeFields, PageSize, issues.Count), operation, cancellationToken);
            requests += sent;
            var found = page.Issues ?? [];
            issues.AddRange(found);
            var more = page.Total is { } total ? issues.Count < total : found.Count >= PageSize;
            if (found.Count == 0 || !more)
            {
                return (issues, requests);
            }
        }
    }

    private async Task<(JiraSearchResponse Page, int Sent)> SearchPageAsync(JiraSearchRequest search, string operation, CancellationToken cancellationToken)
    {
        using var request = Json(HttpMethod.Post, _paths.Search, search, JiraJsonContext.Wire.JiraSearchRequest);
        JiraResilience.MarkSafeToRepeat(request);
        var count = JiraResilience.Count(request);
        var page = await SendAsync(request, operation, JiraJsonContext.Wire.JiraSearchResponse, cancellationToken);
        return (page, count.Sent);
    }

    private TrackerIssueChange ToChange(JiraFoundIssue issue, string operation)
    {
        // Without the time the caller cannot order what it reads, so the answer is unreadable rather than half-read.
        var updated = JiraTimestamp.Parse(issue.Fields?.Updated)
            ?? throw new TrackerUnavailableException($"Jira's answer to {operation} could not be read: {issue.Key} has no readable updated time.");
        var marker = issue.Fields?.Labels?.FirstOrDefault(label => label.StartsWith(ActionItemMarker.Prefix, StringComparison.Ordinal));
        return new TrackerIssueChange(issue.Key, BrowseUrl(issue.Key), JiraStatuses.FromCategory(issue.Fields?.Status?.StatusCategory?.Key), marker, updated);
    }

    private DateTimeOffset WindowStart(DateTimeOffset since) =>
        since < DateTimeOffset.MinValue + _options.SyncOverlap ? DateTimeOffset.MinValue : since - _options.SyncOverlap;

    private async Task SendToIssueAsync(HttpRequestMessage request, string issueKey, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, operation, cancellationToken, issueKey);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, string operation, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, operation, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync(answer, cancellationToken)
                ?? throw new JsonException("The body is null.");
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            // For a create this means the outcome is unknown: the outbox's marker search settles it.
            throw new TrackerUnavailableException($"Jira's answer to {operation} could not be read: {e.Message}", null, e);
        }
    }

    /// <param name="issueKey">The issue the request is about, when a 404 means that issue is gone rather than a wrong path.</param>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken, string? issueKey = null)
    {
        if (http.BaseAddress is null)
        {
            // Rejected, not unavailable: waiting will not help, configuring will (and the item is kept until then).
            throw new TrackerRejectedException($"Jira is not configured: set {JiraOptions.Section}:BaseUrl and its credentials.");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException e)
        {
            throw new TrackerUnavailableException($"Jira could not be reached for {operation}: {e.Message}", null, e);
        }
        catch (Polly.Timeout.TimeoutRejectedException e)
        {
            throw new TrackerUnavailableException($"Jira did not answer {operation} within {_options.Timeout}.", null, e);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException e)
        {
            throw new TrackerUnavailableException($"Jira calls are paused after repeated failures ({operation}).", e.RetryAfter, e);
        }
        catch (OperationCanceledException e)
        {
            throw new TrackerUnavailableException($"Jira did not answer {operation} in time.", null, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var error = await JiraErrors.FromResponseAsync(response, operation, time, cancellationToken, issueKey);
            LogFailed(operation, (int)response.StatusCode);
            throw error;
        }
    }

    private static HttpRequestMessage Json<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> info)
    {
        // Bytes, not a stream: the retry handler may send the same request message again.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, info));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return new HttpRequestMessage(method, path) { Content = content };
    }

    private static string RequireProject(TrackerTarget target) =>
        string.IsNullOrWhiteSpace(target.Project)
            ? throw new TrackerRejectedException("The Jira route has no Project: set Project on the routing rule.")
            : target.Project.Trim();

    private string BrowseUrl(string key) =>
        http.BaseAddress is { } baseAddress ? new Uri(baseAddress, "browse/" + Uri.EscapeDataString(key)).ToString() : key;

    /// <summary>PAY-12 → 12, so the oldest of several issues with one marker is the one kept.</summary>
    private static long IssueNumber(JiraFoundIssue issue) =>
        long.TryParse(issue.Key.AsSpan(issue.Key.LastIndexOf('-') + 1), out var number) ? number : long.MaxValue;

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Created Jira issue {IssueKey} in {Project} for marker {Marker}")]
    private partial void LogCreated(string issueKey, string project, string marker);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Updated Jira issue {IssueKey}")]
    private partial void LogUpdated(string issueKey);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Moved Jira issue {IssueKey} to {Status}")]
    private partial void LogTransitioned(string issueKey, string status);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Jira issue {IssueKey} has no transition to a done-category status; it stays open")]
    private partial void LogNoDoneTransition(string issueKey);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Jira refused to close {IssueKey}; it stays open: {Error}")]
    private partial void LogTransitionRejected(string issueKey, string error);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Owner {Owner} could not be matched to a Jira user; the issue for marker {Marker} is unassigned")]
    private partial void LogOwnerNotMatched(string owner, string marker);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Jira refused the user search; the issue is left unassigned: {Error}")]
    private partial void LogUserSearchRejected(string error);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Marker {Marker} is on several Jira issues ({IssueKeys}); using {IssueKey}")]
    private partial void LogSeveralIssuesCarryMarker(string marker, string issueKeys, string issueKey);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Debug, Message = "Jira answered {StatusCode} to {Operation}")]
    private partial void LogFailed(string operation, int statusCode);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Debug, Message = "Listed {Count} changed Jira issues in {Project} since {Since} with {Requests} requests")]
    private partial void LogListedChanges(int count, string project, DateTimeOffset? since, int requests);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "Flagged Jira issue {IssueKey} overdue")]
    private partial void LogFlaggedOverdue(string issueKey);
}
