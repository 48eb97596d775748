using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using Polly;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The Jira <see cref="ITracker"/>: the few Jira REST calls the worker needs, Cloud (v3, ADF) or Data Center (v2,
/// wiki text). A singleton the dispatcher holds for the life of the process, so it keeps no <see cref="HttpClient"/>:
/// each request takes the named client from the factory, whose handlers (resilience pipeline included) rotate.
/// </summary>
internal sealed partial class JiraClient(IHttpClientFactory httpClients, IOptions<JiraOptions> options, TimeProvider time, ILogger<JiraClient> logger) : ITracker
{
    public const string HttpClientName = "Jira";

    /// <summary>Enough to see the duplicates a sync closes; one is what a retry needs.</summary>
    private const int MarkerSearchLimit = 10;

    /// <summary>Jira Cloud's largest page for searches that return fields; Data Center may answer with fewer.</summary>
    private const int PageSize = 100;

    /// <summary>Cloud's default page of comments; either edition may answer with fewer.</summary>
    private const int CommentPageSize = 100;

    private static readonly string[] SearchFields = ["summary", "status", "resolution"];

    private static readonly string[] ChangeFields = ["status", "resolution", "labels", "updated", "assignee", "duedate"];

    private static readonly string[] IssueFields = ["summary", "status", "resolution", "labels"];

    /// <summary>What an update compares with what it would write, and the status it reports.</summary>
    private static readonly string[] EditFields = ["summary", "status", "resolution", "labels", "description", "duedate", "priority", "assignee", "updated"];

    private static readonly string[] StatusFields = ["status", "resolution"];

    private readonly JiraOptions _options = options.Value;
    private readonly Uri? _siteRoot = options.Value.SiteRoot;
    private readonly JiraPaths _paths = new(options.Value.ApiVersion);

    public string Name => TrackerNames.Jira;

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
            TrackerLog.SeveralCarryMarker(logger, Name, marker, string.Join(", ", issues.Select(i => i.Key)), issues[0].Key);
        }

        return issues.Select(ToTrackerIssue).ToList();
    }

    /// <summary>Read by key, not searched: the search index may lag. The key Jira answers with wins (an issue moved to another project has a new one).</summary>
    public async Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken)
    {
        var issueKey = key.Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, _paths.IssueByKey(issueKey, IssueFields));
        var issue = await ReadIfFoundAsync(request, $"the read of {issueKey}", JiraJsonContext.Wire.JiraFoundIssue, cancellationToken);
        return issue is null ? null : ToTrackerIssue(issue);
    }

    public async Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var project = RequireProject(target);
        var assignee = await ResolveAssigneeAsync(issue, cancellationToken);
        try
        {
            return await SendCreateAsync(project, target, issue, assignee, assignee is null ? JiraOwner.NotMatched : JiraOwner.Matched, null, cancellationToken);
        }
        catch (AssigneeRefusedException refused)
        {
            // A 400 made nothing, so sending the create again cannot make a second issue.
            TrackerLog.AssigneeRefused(logger, Name, issue.Marker, issue.Content.Owner, refused.Reason);
            return await SendCreateAsync(project, target, issue, null, JiraOwner.NotAssignable, NotAssignable(issue, refused), cancellationToken);
        }
    }

    /// <summary>
    /// Reads the issue, then sends only what differs (nothing when it matches). The status reported is the one read:
    /// an edit does not move it.
    /// </summary>
    public async Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, _paths.IssueByKey(key, EditFields));
        var current = await SendAsync(read, $"the read of {key} before its update", JiraJsonContext.Wire.JiraFoundIssue, cancellationToken, key);
        var assignee = await ResolveAssigneeAsync(issue, cancellationToken);
        string? note = null;
        try
        {
            await EditAsync(current, issue, assignee, assignee is null ? JiraOwner.NotMatched : JiraOwner.Matched, cancellationToken);
        }
        catch (AssigneeRefusedException refused)
        {
            TrackerLog.AssigneeRefused(logger, Name, issue.Marker, issue.Content.Owner, refused.Reason);
            note = NotAssignable(issue, refused);
            await EditAsync(current, issue, null, JiraOwner.NotAssignable, cancellationToken);
        }

        // The issue as read was before the edit: readings up to that moment (Jira keeps milliseconds) are older than the edit.
        return ToTrackerIssue(current) with { Note = note, StaleBefore = JiraTimestamp.Parse(current.Fields?.Updated)?.AddMilliseconds(1) };
    }

    public async Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken)
    {
        RequireConfigured();
        if (JiraStatuses.CategoryFor(status) is { } category)
        {
            await MoveToCategoryAsync(key, category, cancellationToken);
        }
        else if (status != ActionItemStatus.Open)
        {
            LogStatusNotApplied(key, status);
        }
    }

    /// <summary>
    /// Looks for the comment's hidden marker on the issue first, so a comment whose answer was lost is not posted
    /// again; the POST itself is never repeated in the pipeline.
    /// </summary>
    public async Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken)
    {
        RequireConfigured();
        if (string.IsNullOrWhiteSpace(comment.Text))
        {
            // Jira refuses an empty comment, and a marker alone says nothing to the reader.
            return;
        }

        if (await HasCommentAsync(key, comment.HiddenId, cancellationToken))
        {
            TrackerLog.CommentAlreadyThere(logger, Name, key, comment.HiddenId);
            return;
        }

        using var request = Json(HttpMethod.Post, _paths.Comments(key), JiraComments.Request(_options, comment), JiraJsonContext.Wire.JiraCommentRequest);
        await SendAsync(request, $"the {comment.Purpose} comment on {key}", cancellationToken, key);
        TrackerLog.Commented(logger, Name, key, comment.HiddenId);
    }

    /// <summary>
    /// Adds the <c>overdue</c> label, then the comment once. Both are safe to ask for again: adding a label the issue
    /// has changes nothing, and the comment is looked for before it is posted.
    /// </summary>
    public async Task FlagOverdueAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken)
    {
        var label = new JiraEditIssueRequest(Update: new JiraIssueUpdate([new JiraLabelOperation(Add: TrackerLabels.Overdue)]));
        using (var request = Json(HttpMethod.Put, _paths.IssueByKey(key), label, JiraJsonContext.Wire.JiraEditIssueRequest))
        {
            await SendAsync(request, $"adding the {TrackerLabels.Overdue} label to {key}", cancellationToken, key);
        }

        await CommentOnceAsync(target, key, comment, cancellationToken);
        TrackerLog.FlaggedOverdue(logger, Name, key);
    }

    /// <summary>The comment (which names the kept issue) first, so a duplicate is never closed without saying why.</summary>
    public async Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken)
    {
        await CommentOnceAsync(target, duplicateKey, comment, cancellationToken);
        if (await MoveToCategoryAsync(duplicateKey, JiraStatuses.DoneCategory, cancellationToken))
        {
            TrackerLog.ClosedAsDuplicate(logger, Name, duplicateKey, keptKey);
        }
    }

    /// <summary>
    /// One search, paged (Cloud by <c>nextPageToken</c>, Data Center by <c>startAt</c>), from <c>since</c> minus
    /// <see cref="JiraOptions.SyncOverlap"/>: JQL's <c>updated</c> is read to the minute in the bot user's time zone.
    /// An issue edited again during the listing may come twice; the latest reading of each is kept.
    /// </summary>
    public async Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, IReadOnlyList<long> reconcile, CancellationToken cancellationToken)
    {
        var project = RequireProject(target);
        var jql = JiraJql.ChangedSince(project, since is { } start ? WindowStart(start) : null);
        var operation = $"the search for changed issues in {project}";
        var (found, requests) = _options.IsCloud
            ? await SearchByTokenAsync(jql, reconcile.Count == 0 ? null : [.. reconcile.Take(TrackerChanges.MaxReconcile)], operation, cancellationToken)
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

    private JiraIssueFields NewIssueFields(string project, TrackerTarget target, NewTrackerIssue issue, JiraUserRef? assignee, JiraOwner owner)
    {
        var fields = new JiraIssueFields
        {
            Project = new JiraKeyRef(project),
            Summary = JiraFieldValues.Summary(issue.Title),
            IssueType = new JiraNameRef(string.IsNullOrWhiteSpace(target.IssueType) ? _options.IssueType : target.IssueType),
            Description = JiraDescriptions.Render(_options, issue.Content, owner),
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

    private async Task<TrackerIssue> SendCreateAsync(string project, TrackerTarget target, NewTrackerIssue issue, JiraUserRef? assignee, JiraOwner owner, string? note, CancellationToken cancellationToken)
    {
        var body = new JiraCreateIssueRequest(
            NewIssueFields(project, target, issue, assignee, owner),
            [new JiraEntityProperty("incidentbridge", new JiraMarkerProperty(issue.Marker, issue.Content.IncidentId, issue.Content.PostmortemId))]);

        // Not marked safe to repeat: a create whose answer was lost is retried by the outbox after a marker search.
        using var request = Json(HttpMethod.Post, _paths.Issue, body, JiraJsonContext.Wire.JiraCreateIssueRequest);
        var created = await SendAsync(request, $"the creation of an issue in {project}", JiraJsonContext.Wire.JiraCreatedIssue, cancellationToken, assigneeOptional: assignee is not null);
        TrackerLog.Created(logger, Name, created.Key, issue.Marker);
        return new TrackerIssue(created.Key, BrowseUrl(created.Key), ActionItemStatus.Open, note);
    }

    private async Task EditAsync(JiraFoundIssue current, NewTrackerIssue issue, JiraUserRef? assignee, JiraOwner owner, CancellationToken cancellationToken)
    {
        var wanted = new JiraIssueFields
        {
            Summary = JiraFieldValues.Summary(issue.Title),
            Description = JiraDescriptions.Render(_options, issue.Content, owner),
            DueDate = JiraFieldValues.DueDate(issue.DueDate),
            Priority = JiraFieldValues.Priority(issue.Priority),

            // An owner we cannot match leaves the assignee alone: someone may have assigned the issue in Jira.
            Assignee = assignee,
        };
        if (JiraIssueEdit.Plan(current.Fields, wanted, JiraFieldValues.Labels(issue.Labels, issue.Marker)) is not { } edit)
        {
            LogAlreadyUpToDate(current.Key);
            return;
        }

        using var request = Json(HttpMethod.Put, _paths.IssueByKey(current.Key), edit, JiraJsonContext.Wire.JiraEditIssueRequest);
        await SendAsync(request, $"the update of {current.Key}", cancellationToken, current.Key, assigneeOptional: edit.Fields?.Assignee is not null);
        TrackerLog.Updated(logger, Name, current.Key);
    }

    /// <summary>
    /// Reads the issue's status with the transitions it offers (one request), then takes the first transition into
    /// <paramref name="category"/>, unless the issue is there already, or done: a closed issue is never reopened.
    /// A workflow without such a transition leaves the issue as it is. True when the issue is where it should be.
    /// </summary>
    private async Task<bool> MoveToCategoryAsync(string key, string category, CancellationToken cancellationToken)
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, _paths.IssueByKey(key, StatusFields, expand: "transitions"));
        var issue = await SendAsync(read, $"the read of {key}'s status", JiraJsonContext.Wire.JiraFoundIssue, cancellationToken, key);
        var current = issue.Fields?.Status?.StatusCategory?.Key;
        if (current == category || current == JiraStatuses.DoneCategory)
        {
            LogStatusAlreadySet(key, current);
            return true;
        }

        var transition = issue.Transitions?.FirstOrDefault(t => t.To?.StatusCategory?.Key == category);
        if (transition is null)
        {
            LogNoTransition(key, category);
            return false;
        }

        // Not marked safe to repeat, and a refusal (say, a screen that requires a field) is the caller's to keep:
        // its retry reads the status again first.
        using var move = Json(HttpMethod.Post, _paths.Transitions(key), new JiraTransitionRequest(new JiraIdRef(transition.Id)), JiraJsonContext.Wire.JiraTransitionRequest);
        await SendAsync(move, $"the transition of {key} to {category}", cancellationToken, key);
        LogTransitioned(key, transition.To?.Name ?? transition.Name ?? transition.Id);
        return true;
    }

    /// <summary>Pages through the issue's comments, oldest first, until one carries the marker.</summary>
    private async Task<bool> HasCommentAsync(string key, string hiddenId, CancellationToken cancellationToken)
    {
        long startAt = 0;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _paths.Comments(key, startAt, CommentPageSize));
            var page = await SendAsync(request, $"the read of the comments on {key}", JiraJsonContext.Wire.JiraCommentPage, cancellationToken, key);
            var comments = page.Comments ?? [];
            if (comments.Any(comment => JiraComments.IsMarked(comment, hiddenId)))
            {
                return true;
            }

            startAt += comments.Count;
            var more = page.Total is { } total ? startAt < total : comments.Count >= CommentPageSize;
            if (comments.Count == 0 || !more)
            {
                return false;
            }
        }
    }

    private static string NotAssignable(NewTrackerIssue issue, AssigneeRefusedException refused) =>
        $"Owner {issue.Content.Owner} could not be assigned in Jira: {refused.Reason}";

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
    private async Task<(List<JiraFoundIssue> Issues, int Requests)> SearchByTokenAsync(string jql, IReadOnlyList<long>? reconcile, string operation, CancellationToken cancellationToken)
    {
        var issues = new List<JiraFoundIssue>();
        var requests = 0;
        string? token = null;
        while (true)
        {
            var (page, sent) = await SearchPageAsync(new JiraSearchRequest(jql, ChangeFields, PageSize, null, token, reconcile), operation, cancellationToken);
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

    private TrackerIssue ToTrackerIssue(JiraFoundIssue issue) => new(issue.Key, BrowseUrl(issue.Key), JiraStatuses.Of(issue.Fields));

    private TrackerIssueChange ToChange(JiraFoundIssue issue, string operation)
    {
        // Without the time the caller cannot order what it reads, so the answer is unreadable rather than half-read.
        return JiraIssueReadings.Of(issue, BrowseUrl(issue.Key))
            ?? throw new TrackerUnavailableException($"Jira's answer to {operation} could not be read: {issue.Key} has no readable updated time.");
    }

    private DateTimeOffset WindowStart(DateTimeOffset since) =>
        since < DateTimeOffset.MinValue + _options.SyncOverlap ? DateTimeOffset.MinValue : since - _options.SyncOverlap;

    /// <param name="issueKey">The issue the request is about, when a 404 means that issue is gone rather than a wrong path.</param>
    /// <param name="assigneeOptional">The request sets an assignee the caller can do without: a 400 on that field says so.</param>
    private async Task<T> SendAsync<T>(HttpRequestMessage request, string operation, JsonTypeInfo<T> answer, CancellationToken cancellationToken, string? issueKey = null, bool assigneeOptional = false)
    {
        using var response = await SucceedAsync(request, operation, cancellationToken, issueKey, assigneeOptional);
        return await ReadAsync(response, operation, answer, cancellationToken);
    }

    /// <summary>A request whose answer has no body worth reading (204 to an edit, a transition or a comment).</summary>
    /// <inheritdoc cref="SendAsync{T}"/>
    private async Task SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken, string? issueKey = null, bool assigneeOptional = false)
    {
        using var response = await SucceedAsync(request, operation, cancellationToken, issueKey, assigneeOptional);
    }

    private async Task<HttpResponseMessage> SucceedAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken, string? issueKey, bool assigneeOptional)
    {
        var response = await TransmitAsync(request, operation, cancellationToken);
        return response.IsSuccessStatusCode ? response : throw await FailureAsync(response, operation, cancellationToken, issueKey, assigneeOptional);
    }

    /// <summary>A read whose 404 is an answer (no such issue), not a failure.</summary>
    private async Task<T?> ReadIfFoundAsync<T>(HttpRequestMessage request, string operation, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await TransmitAsync(request, operation, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            LogFailed(operation, (int)response.StatusCode);
            return null;
        }

        return response.IsSuccessStatusCode
            ? await ReadAsync(response, operation, answer, cancellationToken)
            : throw await FailureAsync(response, operation, cancellationToken, null, false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string operation, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
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

    private async Task<HttpResponseMessage> TransmitAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        RequireConfigured();
        try
        {
            var http = httpClients.CreateClient(HttpClientName);
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
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
    }

    private async Task<Exception> FailureAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken, string? issueKey, bool assigneeOptional)
    {
        using (response)
        {
            var failure = await JiraErrors.FromResponseAsync(response, operation, time, cancellationToken, issueKey);
            LogFailed(operation, (int)response.StatusCode);
            var assignee = failure.FieldErrors.FirstOrDefault(error => string.Equals(error.Key, "assignee", StringComparison.OrdinalIgnoreCase));
            return assigneeOptional && assignee.Key is not null ? new AssigneeRefusedException(assignee.Value, failure.Error) : failure.Error;
        }
    }

    private void RequireConfigured()
    {
        if (_siteRoot is null)
        {
            // Rejected, not unavailable: waiting will not help, configuring will (and the item is kept until then).
            throw new TrackerRejectedException($"Jira is not configured: set {JiraOptions.Section}:BaseUrl and its credentials.");
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

    private string BrowseUrl(string key) => _options.BrowseUrl(key);

    /// <summary>PAY-12 → 12, so the oldest of several issues with one marker is the one kept.</summary>
    private static long IssueNumber(JiraFoundIssue issue) =>
        long.TryParse(issue.Key.AsSpan(issue.Key.LastIndexOf('-') + 1), out var number) ? number : long.MaxValue;

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Moved Jira issue {IssueKey} to {Status}")]
    private partial void LogTransitioned(string issueKey, string status);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Jira issue {IssueKey} offers no transition to a status in the {Category} category; it stays as it is")]
    private partial void LogNoTransition(string issueKey, string category);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Owner {Owner} could not be matched to a Jira user; the issue for marker {Marker} is unassigned")]
    private partial void LogOwnerNotMatched(string owner, string marker);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Jira refused the user search; the issue is left unassigned: {Error}")]
    private partial void LogUserSearchRejected(string error);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Debug, Message = "Jira answered {StatusCode} to {Operation}")]
    private partial void LogFailed(string operation, int statusCode);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Debug, Message = "Listed {Count} changed Jira issues in {Project} since {Since} with {Requests} requests")]
    private partial void LogListedChanges(int count, string project, DateTimeOffset? since, int requests);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Debug, Message = "Jira issue {IssueKey} already matches its action item; nothing sent")]
    private partial void LogAlreadyUpToDate(string issueKey);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Debug, Message = "Jira issue {IssueKey} is already in the {Category} category; no transition")]
    private partial void LogStatusAlreadySet(string issueKey, string? category);

    [LoggerMessage(EventId = 5114, Level = LogLevel.Warning, Message = "Status {Status} has no Jira counterpart; issue {IssueKey} is left as it is")]
    private partial void LogStatusNotApplied(string issueKey, string status);

    /// <summary>
    /// Jira refused the assignee of a request that can go without it. Never leaves this class: the caller catches it
    /// and sends the request again without the assignee.
    /// </summary>
    private sealed class AssigneeRefusedException(string reason, Exception refusal) : Exception(refusal.Message, refusal)
    {
        public string Reason { get; } = reason;
    }
}

/// <summary>
/// Request paths, relative to <see cref="JiraOptions.SiteRoot"/> (which always ends in '/', so a Data Center context
/// path such as <c>https://host/jira/</c> is kept).
/// </summary>
internal sealed class JiraPaths(int apiVersion)
{
    private readonly string _api = $"rest/api/{apiVersion}";

    public string Issue => $"{_api}/issue";

    public string IssueByKey(string key) => $"{_api}/issue/{Uri.EscapeDataString(key)}";

    /// <summary>One issue with only the named fields; <paramref name="expand"/> adds e.g. the transitions it offers.</summary>
    public string IssueByKey(string key, IEnumerable<string> fields, string? expand = null) =>
        $"{IssueByKey(key)}?fields={string.Join(',', fields)}" + (expand is null ? "" : $"&expand={expand}");

    public string Transitions(string key) => $"{IssueByKey(key)}/transitions";

    public string Comments(string key) => $"{IssueByKey(key)}/comment";

    /// <summary>
    /// A page of comments, oldest first, with their entity properties: <c>properties</c> is not among the expansions
    /// the v3 document lists for this call, but Jira honours it (Jira Service Management's internal flag is read so)
    /// and ignores expansions it does not know, so the worst case is a page without them.
    /// </summary>
    public string Comments(string key, long startAt, int maxResults) =>
        $"{Comments(key)}?startAt={startAt}&maxResults={maxResults}&expand=properties";

    /// <summary>Cloud answers 410 Gone to the old <c>/search</c>; Data Center has only that one (docs/PROTOCOLS.md, Jira).</summary>
    public string Search => apiVersion == 3 ? $"{_api}/search/jql" : $"{_api}/search";

    public string UserSearch(string email) =>
        apiVersion == 3
            ? $"{_api}/user/search?query={Uri.EscapeDataString(email)}"
            : $"{_api}/user/search?username={Uri.EscapeDataString(email)}";
}
