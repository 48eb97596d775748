using System.Net;
using Octokit;
using Octokit.Internal;
// Octokit's paging options; the project-wide IncidentBridge.Api has an ApiOptions of its own.
using ApiOptions = Octokit.ApiOptions;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// One GitHub issue per action item, through Octokit. The idempotency marker is both a label (what the look-up
/// filters on) and a hidden comment in the body (which tells IncidentBridge's issue from one whose label was copied
/// by hand). Keys are <c>owner/repo#n</c> (<see cref="GitHubIssueKey"/>). Without a configured token every call is
/// refused, so routed items wait in storage, shown as refused, until GitHub is configured. Every call goes through
/// one <see cref="GitHubRequestGate"/> (below), which paces writes and holds all calls while GitHub asks us to wait.
/// </summary>
internal sealed partial class GitHubTracker : ITracker
{
    private readonly GitHubClient? _client;
    private readonly Uri _apiBase;
    private readonly GitHubListingETags _etags = new();
    private readonly GitHubRequestGate _gate;
    private readonly TimeProvider _time;
    private readonly ILogger<GitHubTracker> _logger;

    public GitHubTracker(IOptions<GitHubOptions> options, TimeProvider time, ILogger<GitHubTracker> logger)
    {
        var settings = options.Value;
        _time = time;
        _logger = logger;
        _apiBase = new Uri(settings.BaseUrl);
        _gate = new GitHubRequestGate(settings.WriteSpacing, time);
        if (settings.Token is { Length: > 0 } token)
        {
            // This constructor (unlike Connection's) adds api/v3/ for GitHub Enterprise Server hosts.
            _client = new GitHubClient(
                new ProductHeaderValue("IncidentBridge"),
                new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)),
                _apiBase);
            _client.SetRequestTimeout(settings.Timeout);

            // Octokit sends If-None-Match only from a response cache, which hangs off the concrete Connection.
            ((Connection)_client.Connection).ResponseCache = _etags;
        }
    }

    public string Name => TrackerNames.GitHub;

    public bool IsConfigured => _client is not null;

    /// <summary>
    /// Every issue labelled with the marker, oldest first (pull requests, which the issues endpoint lists too, are
    /// skipped). The list endpoint reads the database, unlike the search API, so a create that happened is seen at once.
    /// </summary>
    public async Task<IReadOnlyList<TrackerIssue>> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        var request = new RepositoryIssueRequest { State = ItemStateFilter.All };
        request.Labels.Add(marker);
        var found = await ReadAsync(
            "look up the issue for an action item",
            c => c.Issue.GetAllForRepository(repo.Owner, repo.Name, request, new ApiOptions { PageSize = 100 }),
            cancellationToken);

        var issues = found.Where(i => i.PullRequest is null).OrderBy(i => i.Number).Select(i => ToTrackerIssue(repo, i)).ToList();
        if (issues.Count > 1)
        {
            TrackerLog.SeveralCarryMarker(_logger, Name, marker, string.Join(", ", issues.Select(i => i.Key)), issues[0].Key);
        }

        return issues;
    }

    /// <summary>The issue <paramref name="key"/> names, in its own repository; null when GitHub knows no such issue, or it is a pull request.</summary>
    public async Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken)
    {
        var id = Key(target, key);
        try
        {
            var issue = await GetIssueAsync(id, cancellationToken);
            return issue.PullRequest is null ? ToTrackerIssue(id.Repository, issue) : null;
        }
        catch (TrackerRejectedException e) when (e.InnerException is ApiException { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.Gone })
        {
            return null;
        }
    }

    /// <summary>
    /// Creates the issue open, with labels (marker included) and the owner's login as assignee. GitHub refuses the whole
    /// create (422) when that login cannot be assigned in the repository; nothing was created then, so it is sent again
    /// without the assignee, its body naming the owner.
    /// </summary>
    public async Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        try
        {
            return await CreateAsync(repo, issue, assigneeRefused: false, cancellationToken);
        }
        catch (TrackerRejectedException refused) when (RefusedAssignee(refused, issue) is { } login)
        {
            TrackerLog.AssigneeRefused(_logger, Name, issue.Marker, $"@{login}", refused.Message);
            var created = await CreateAsync(repo, issue, assigneeRefused: true, cancellationToken);
            return created with { Note = AssigneeRefusedNote(issue, login, refused) };
        }
    }

    /// <summary>
    /// Rewrites title and body (which carries due date and priority), swaps a stale priority label for the new one
    /// (other labels, such as <c>overdue</c> or ones people added, stay), adds the marker label when missing, and
    /// assigns the owner's login when known and not already among the assignees. Not the state: see
    /// <see cref="SetStatusAsync"/>. Nothing is sent when the issue already matches. A login GitHub will not assign is
    /// handled as in <see cref="CreateAsync(TrackerTarget, NewTrackerIssue, CancellationToken)"/>.
    /// </summary>
    public async Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var id = Key(target, key);
        var current = await GetIssueAsync(id, cancellationToken);
        try
        {
            return await UpdateAsync(id, current, issue, assigneeRefused: false, cancellationToken);
        }
        catch (TrackerRejectedException refused) when (RefusedAssignee(refused, issue) is { } login)
        {
            TrackerLog.AssigneeRefused(_logger, Name, issue.Marker, $"@{login}", refused.Message);
            var updated = await UpdateAsync(id, current, issue, assigneeRefused: true, cancellationToken);
            return updated with { Note = AssigneeRefusedNote(issue, login, refused) };
        }
    }

    /// <summary>
    /// <c>in-progress</c> adds the <c>in-progress</c> label; <c>done</c> closes the issue as completed (and
    /// <c>not-doing</c> as not planned); <c>open</c> asks for nothing. A closed issue is left as it is: people closed
    /// it, and reopening or relabelling it would undo their word.
    /// </summary>
    public async Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken)
    {
        // Even "open", which asks GitHub for nothing, says so: every call of a tracker that is not configured is refused alike.
        _ = ConfiguredClient();
        if (status == ActionItemStatus.Open)
        {
            return;
        }

        if (status is not (ActionItemStatus.InProgress or ActionItemStatus.Done or ActionItemStatus.NotDoing))
        {
            throw new TrackerRejectedException($"'{status}' is not an action-item status GitHub can show (open, in-progress, done, not-doing).");
        }

        var id = Key(target, key);
        var current = await GetIssueAsync(id, cancellationToken);
        if (GitHubIssueStatus.IsClosed(current))
        {
            LogAlreadyClosed(id.ToString(), status);
            return;
        }

        switch (status)
        {
            case ActionItemStatus.InProgress when !GitHubIssueStatus.IsLabelledInProgress(current):
                await AddLabelAsync(id, TrackerLabels.InProgress, cancellationToken);
                LogInProgress(id.ToString());
                break;
            case ActionItemStatus.Done:
                await CloseAsync(id, current, ItemStateReason.Completed, cancellationToken);
                break;
            case ActionItemStatus.NotDoing:
                await CloseAsync(id, current, ItemStateReason.NotPlanned, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Lists the action-item issues updated since <paramref name="since"/>, oldest change first, page by page
    /// (pull requests, which the issues endpoint lists too, are skipped). The first page is a conditional request:
    /// a 304 means nothing changed since the same listing last answered, costs no rate limit, and repeats that
    /// answer (callers dedupe). Reads are not paced, but while GitHub has asked us to wait they are refused as
    /// unavailable, like writes.
    /// </summary>
    public async Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, IReadOnlyList<long> reconcile, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        var firstPage = GitHubChangeListing.FirstPage(repo, since);
        _etags.Expect(firstPage);
        var changes = new List<TrackerIssueChange>();
        var requests = 0;
        for (Uri? page = firstPage; page is { } uri;)
        {
            requests++;
            var response = await ReadAsync(
                "list changed action-item issues",
                c => c.Connection.Get<List<Issue>>(uri, null, null, cancellationToken),
                cancellationToken);
            if (response.HttpResponse.StatusCode == HttpStatusCode.NotModified)
            {
                LogUnchanged(repo.FullName);
            }

            changes.AddRange((response.Body ?? []).Where(i => i.PullRequest is null).Select(i => GitHubChangeListing.ToChange(repo, i)));
            page = response.HttpResponse.ApiInfo?.GetNextPageUrl();
        }

        LogChanges(repo.FullName, changes.Count, requests);
        return new TrackerChanges(changes, requests);
    }

    /// <summary>
    /// Looks through the issue's comments (every page) for <paramref name="comment"/>'s hidden id, and writes the
    /// comment with that id only when none has it: a retry after a lost answer finds the first one.
    /// </summary>
    public async Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken) =>
        await CommentOnceAsync(Key(target, key), comment, cancellationToken);

    /// <summary>Adds the <c>overdue</c> label and then the comment once, each write paced.</summary>
    public async Task FlagOverdueAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken)
    {
        var id = Key(target, key);

        // The label first: adding it again is harmless, and the comment after it is written once however often this runs.
        await AddLabelAsync(id, TrackerLabels.Overdue, cancellationToken);
        await CommentOnceAsync(id, comment, cancellationToken);
        TrackerLog.FlaggedOverdue(_logger, Name, id.ToString());
    }

    /// <summary>
    /// Writes the comment once, ending in "Duplicate of #n" (so GitHub shows the issue as a duplicate of the kept one),
    /// then closes the duplicate as not planned unless it is already closed.
    /// </summary>
    public async Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken)
    {
        var duplicate = Key(target, duplicateKey);
        var kept = Key(target, keptKey);
        if (duplicate.IsSameIssueAs(kept))
        {
            throw new TrackerRejectedException($"GitHub issue {duplicate} cannot be closed as a duplicate of itself.");
        }

        await CommentOnceAsync(duplicate, comment with { Text = GitHubIssueText.NamingDuplicate(comment.Text, kept.ReferenceFrom(duplicate.Repository)) }, cancellationToken);
        var current = await GetIssueAsync(duplicate, cancellationToken);
        if (GitHubIssueStatus.IsClosed(current))
        {
            LogAlreadyClosed(duplicate.ToString(), "a duplicate");
            return;
        }

        await CloseAsync(duplicate, current, ItemStateReason.NotPlanned, cancellationToken);
        TrackerLog.ClosedAsDuplicate(_logger, Name, duplicate.ToString(), kept.ToString());
    }

    private async Task<TrackerIssue> CreateAsync(GitHubRepository repo, NewTrackerIssue issue, bool assigneeRefused, CancellationToken cancellationToken)
    {
        var newIssue = new NewIssue(GitHubIssueText.Title(issue.Title)) { Body = GitHubIssueText.Body(issue, assigneeRefused) };
        foreach (var label in issue.Labels.Append(issue.Marker).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            newIssue.Labels.Add(label);
        }

        if (!assigneeRefused && issue.Assignee?.GitHubLogin is { Length: > 0 } login)
        {
            newIssue.Assignees.Add(login);
        }

        var created = await WriteAsync("create an issue", c => c.Issue.Create(repo.Owner, repo.Name, newIssue), cancellationToken);
        var createdIssue = ToTrackerIssue(repo, created);
        TrackerLog.Created(_logger, Name, createdIssue.Key, issue.Marker);
        WarnIfDropped(createdIssue.Key, created, newIssue.Labels, newIssue.Assignees, issue.Marker);
        return createdIssue;
    }

    private async Task<TrackerIssue> UpdateAsync(GitHubIssueKey id, Issue current, NewTrackerIssue issue, bool assigneeRefused, CancellationToken cancellationToken)
    {
        if (GitHubIssueUpdate.Plan(current, issue, assigneeRefused) is not { } update)
        {
            // It already matches the item: a reading from before that says nothing the item must take back.
            return ToTrackerIssue(id.Repository, current) with { StaleBefore = current.UpdatedAt };
        }

        var updated = await WriteAsync("update an issue", c => c.Issue.Update(id.Repository.Owner, id.Repository.Name, id.Number, update), cancellationToken, Gone(id));
        TrackerLog.Updated(_logger, Name, id.ToString());
        WarnIfDropped(id.ToString(), updated, update.Labels, update.Assignees, issue.Marker);
        return ToTrackerIssue(id.Repository, updated) with { StaleBefore = updated.UpdatedAt };
    }

    private async Task CommentOnceAsync(GitHubIssueKey id, TrackerComment comment, CancellationToken cancellationToken)
    {
        var hidden = GitHubIssueText.HiddenCommentId(comment.HiddenId);
        var comments = await ReadAsync(
            "read an issue's comments",
            c => c.Issue.Comment.GetAllForIssue(id.Repository.Owner, id.Repository.Name, id.Number, new ApiOptions { PageSize = 100 }),
            cancellationToken,
            Gone(id));
        if (comments.Any(c => c.Body?.Contains(hidden, StringComparison.Ordinal) == true))
        {
            TrackerLog.CommentAlreadyThere(_logger, Name, id.ToString(), comment.HiddenId);
            return;
        }

        var body = GitHubIssueText.Comment(comment.Text, comment.HiddenId);
        await WriteAsync("comment on an issue", c => c.Issue.Comment.Create(id.Repository.Owner, id.Repository.Name, id.Number, body), cancellationToken, Gone(id));
        TrackerLog.Commented(_logger, Name, id.ToString(), comment.HiddenId);
    }

    private Task<Issue> GetIssueAsync(GitHubIssueKey id, CancellationToken cancellationToken) =>
        ReadAsync("read an issue", c => c.Issue.Get(id.Repository.Owner, id.Repository.Name, id.Number), cancellationToken, Gone(id));

    /// <summary>Adds one label, keeping the others; GitHub answers the same for a label the issue already has.</summary>
    private Task<List<Label>> AddLabelAsync(GitHubIssueKey id, string label, CancellationToken cancellationToken) =>
        WriteAsync(
            $"label an issue {label}",
            c => new ApiConnection(c.Connection).Post<List<Label>>(
                ApiUrls.IssueLabels(id.Repository.Owner, id.Repository.Name, id.Number),
                new { labels = new[] { label } },
                cancellationToken),
            cancellationToken,
            Gone(id));

    private async Task CloseAsync(GitHubIssueKey id, Issue current, ItemStateReason reason, CancellationToken cancellationToken)
    {
        var close = new IssueUpdate
        {
            State = ItemState.Closed,
            StateReason = reason,

            // Octokit always sends "milestone" (null when unset), which would clear one set in the meantime.
            Milestone = current.Milestone?.Number,
        };
        await WriteAsync("close an issue", c => c.Issue.Update(id.Repository.Owner, id.Repository.Name, id.Number, close), cancellationToken, Gone(id));
        LogClosed(id.ToString(), reason == ItemStateReason.NotPlanned ? "not planned" : "completed");
    }

    private GitHubIssueKey Key(TrackerTarget target, string key) => GitHubIssueKey.Parse(key, target, _apiBase);

    private static string Gone(GitHubIssueKey id) => $"issue {id} was deleted or transferred, or the repository is gone";

    private static TrackerIssue ToTrackerIssue(GitHubRepository repo, Issue issue) =>
        new(new GitHubIssueKey(repo, issue.Number).ToString(), issue.HtmlUrl, GitHubIssueStatus.Of(issue));

    /// <summary>
    /// The owner's login when <paramref name="refused"/> is GitHub's 422 on the assignees (the login does not exist,
    /// or cannot be assigned in the repository), and the call had one to drop.
    /// </summary>
    private static string? RefusedAssignee(TrackerRejectedException refused, NewTrackerIssue issue) =>
        refused.InnerException is ApiValidationException { ApiError.Errors: { } errors }
        && errors.Any(e => e.Field is { } field && (field.Equals("assignees", StringComparison.OrdinalIgnoreCase) || field.Equals("assignee", StringComparison.OrdinalIgnoreCase)))
        && issue.Assignee?.GitHubLogin is { Length: > 0 } login
            ? login
            : null;

    private static string AssigneeRefusedNote(NewTrackerIssue issue, string login, TrackerRejectedException refused) =>
        $"Owner {issue.Content.Owner} could not be assigned on GitHub as @{login} ({(refused.InnerException is ApiException e ? GitHubErrors.Describe(e) : refused.Message)}): the issue is unassigned, and its body names the owner.";

    /// <summary>GitHub answers 201 but silently drops labels and assignees the token may not set (no push access).</summary>
    private void WarnIfDropped(string issueKey, Issue issue, IEnumerable<string>? labels, IEnumerable<string>? assignees, string marker)
    {
        var kept = (issue.Labels ?? []).Select(l => l.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var droppedLabels = (labels ?? []).Where(l => !kept.Contains(l)).ToList();
        if (droppedLabels.Contains(marker, StringComparer.OrdinalIgnoreCase))
        {
            LogMarkerDropped(issueKey, marker);
        }

        if (droppedLabels.Count > 0)
        {
            LogLabelsDropped(issueKey, string.Join(", ", droppedLabels));
        }

        var assigned = (issue.Assignees ?? []).Select(u => u.Login).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var droppedAssignees = (assignees ?? []).Where(a => !assigned.Contains(a)).ToList();
        if (droppedAssignees.Count > 0)
        {
            LogAssigneesDropped(issueKey, string.Join(", ", droppedAssignees));
        }
    }

    /// <summary>
    /// Refused, not unavailable: waiting does not configure GitHub. The item keeps its place and is tried again at the
    /// next start and after the rejected-retry delay, as for a Jira that is not configured.
    /// </summary>
    private GitHubClient ConfiguredClient() =>
        _client ?? throw new TrackerRejectedException($"GitHub is not configured: set {GitHubOptions.Section}:Token.");

    private Task<T> WriteAsync<T>(string operation, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken, string? gone = null) =>
        _gate.WriteAsync(() => ReadAsync(operation, call, cancellationToken, gone), cancellationToken);

    /// <summary>One call to GitHub, refused locally during a rate-limit pause; <paramref name="gone"/> as in <see cref="GitHubErrors.Translate"/>.</summary>
    private async Task<T> ReadAsync<T>(string operation, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken, string? gone = null)
    {
        var client = ConfiguredClient();

        if (_gate.RemainingPause() is { } pause)
        {
            throw new TrackerUnavailableException($"GitHub asked us to wait before we {operation}; {pause} left.", pause);
        }

        try
        {
            // Octokit's issue calls take no CancellationToken: on cancellation we stop waiting, the request may
            // still complete, and a create that did is found by its marker on the next attempt.
            return await call(client).WaitAsync(cancellationToken);
        }
        catch (Exception error) when (GitHubErrors.Translate(error, operation, _time, cancellationToken, gone) is { } translated)
        {
            if (translated is TrackerUnavailableException { RetryAfter: { } wait } && error is ApiException)
            {
                _gate.PauseFor(wait);
                LogWaiting(operation, wait);
            }
            else
            {
                LogFailed(operation, translated.Message);
            }

            throw translated;
        }
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Closed GitHub issue {IssueKey} as {Reason}")]
    private partial void LogClosed(string issueKey, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "GitHub dropped labels {Labels} on {IssueKey}: the token needs push (triage) access to label issues")]
    private partial void LogLabelsDropped(string issueKey, string labels);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "GitHub dropped assignees {Assignees} on {IssueKey}: the token needs push access, and each login must be able to be assigned in the repository")]
    private partial void LogAssigneesDropped(string issueKey, string assignees);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "GitHub dropped the marker label {Marker} on {IssueKey}: a retry cannot find this issue and may create another until the token can label issues")]
    private partial void LogMarkerDropped(string issueKey, string marker);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "GitHub rate-limited the call to {Operation}; all GitHub calls wait {RetryAfter}")]
    private partial void LogWaiting(string operation, TimeSpan retryAfter);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "GitHub action items in {Repository} unchanged since the same listing last answered (304)")]
    private partial void LogUnchanged(string repository);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Listed {Count} changed GitHub action items in {Repository} with {Requests} requests")]
    private partial void LogChanges(string repository, int count, int requests);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "GitHub call to {Operation} failed: {Error}")]
    private partial void LogFailed(string operation, string error);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "GitHub issue {IssueKey} is labelled in progress")]
    private partial void LogInProgress(string issueKey);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Information, Message = "GitHub issue {IssueKey} is already closed; left as it is rather than set {Status}")]
    private partial void LogAlreadyClosed(string issueKey, string status);
}

/// <summary>
/// Keeps GitHub's secondary rate limits (at most 80 content-creating requests a minute): mutating calls run one at a
/// time and start at least <c>writeSpacing</c> apart; after GitHub said "wait", every call is refused locally until
/// then, because more requests while limited can get the integration banned (docs/PROTOCOLS.md, GitHub, "Rate limits
/// and pacing").
/// </summary>
internal sealed class GitHubRequestGate(TimeSpan writeSpacing, TimeProvider time)
{
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lock _pauseLock = new();
    private DateTimeOffset? _lastWriteStart;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    /// <summary>How long GitHub still wants us to wait, or null when calls may go ahead.</summary>
    public TimeSpan? RemainingPause()
    {
        lock (_pauseLock)
        {
            var remaining = _pausedUntil - time.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : null;
        }
    }

    public void PauseFor(TimeSpan wait)
    {
        lock (_pauseLock)
        {
            var until = time.GetUtcNow() + wait;
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }
    }

    public async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            if (_lastWriteStart is { } last)
            {
                var wait = last + writeSpacing - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
            }

            // The start counts, not the end: GitHub's limit is on requests made, whatever their outcome.
            _lastWriteStart = time.GetUtcNow();
            return await write();
        }
        finally
        {
            _writes.Release();
        }
    }
}
