using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// One GitHub issue per action item, through Octokit. The idempotency marker is both a label (what the look-up
/// filters on) and a hidden comment in the body (what confirms a match). Without a configured token every call
/// fails as unavailable, so routed items wait in storage until GitHub is configured.
/// </summary>
internal sealed partial class GitHubTracker : ITracker
{
    /// <summary>The label a flagged overdue issue carries (CONTRACT §6, follow-up-review).</summary>
    public const string OverdueLabel = "overdue";

    private readonly GitHubClient? _client;
    private readonly GitHubListingETags _etags = new();
    private readonly GitHubRequestGate _gate;
    private readonly TimeProvider _time;
    private readonly ILogger<GitHubTracker> _logger;

    public GitHubTracker(IOptions<GitHubOptions> options, TimeProvider time, ILogger<GitHubTracker> logger)
    {
        var settings = options.Value;
        _time = time;
        _logger = logger;
        _gate = new GitHubRequestGate(settings.WriteSpacing, time);
        if (settings.Token is { Length: > 0 } token)
        {
            // This constructor (unlike Connection's) adds api/v3/ for GitHub Enterprise Server hosts.
            _client = new GitHubClient(
                new ProductHeaderValue("IncidentBridge"),
                new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)),
                new Uri(settings.BaseUrl));
            _client.SetRequestTimeout(settings.Timeout);

            // Octokit sends If-None-Match only from a response cache, which hangs off the concrete Connection.
            ((Connection)_client.Connection).ResponseCache = _etags;
        }
    }

    public string Name => "GitHub";

    public bool IsConfigured => _client is not null;

    public async Task<IReadOnlyList<TrackerIssue>> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        var request = new RepositoryIssueRequest { State = ItemStateFilter.All };
        request.Labels.Add(marker);
        var found = await ReadAsync(
            "look up the issue for an action item",
            c => c.Issue.GetAllForRepository(repo.Owner, repo.Name, request, new ApiOptions { PageSize = 100 }),
            cancellationToken);

        // The issues endpoint lists pull requests too; a label alone could have been copied by hand, so an issue
        // whose raw body holds the hidden marker wins, and the oldest one if a duplicate exists anyway.
        var hidden = GitHubIssueText.HiddenMarker(marker);
        var issues = found
            .Where(i => i.PullRequest is null)
            .OrderByDescending(i => i.Body?.Contains(hidden, StringComparison.Ordinal) == true)
            .ThenBy(i => i.Number)
            .ToList();
        if (issues.Count > 1)
        {
            LogDuplicates(repo.FullName, marker, string.Join(", ", issues.Select(i => $"#{i.Number}")));
        }

        return issues.Select(i => ToTrackerIssue(repo, i)).ToList();
    }

    public Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken) => throw new NotImplementedException();

    public async Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        var newIssue = new NewIssue(GitHubIssueText.Title(issue.Title)) { Body = GitHubIssueText.Body(issue) };
        foreach (var label in issue.Labels.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            newIssue.Labels.Add(label);
        }

        if (issue.Assignee?.GitHubLogin is { Length: > 0 } login)
        {
            newIssue.Assignees.Add(login);
        }

        var created = await WriteAsync("create an issue", c => c.Issue.Create(repo.Owner, repo.Name, newIssue), cancellationToken);
        LogCreated(repo.FullName, created.Number, issue.Marker);
        WarnIfDropped(repo, created, newIssue.Labels, newIssue.Assignees, issue.Marker);
        return ToTrackerIssue(repo, created);
    }

    /// <summary>
    /// Rewrites title and body (which carries due date and priority), swaps a stale priority label for the new one
    /// (other labels, such as <c>overdue</c> or ones people added, stay), assigns the owner's login when known and
    /// not already among the assignees, and closes the issue when the item is done. It never reopens an issue.
    /// Nothing is sent when the issue already matches.
    /// </summary>
    public async Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        var number = IssueNumber(key);
        var current = await ReadAsync("read an issue", c => c.Issue.Get(repo.Owner, repo.Name, number), cancellationToken);
        if (GitHubIssueUpdate.Plan(current, issue) is not { } update)
        {
            return ToTrackerIssue(repo, current);
        }

        var updated = await WriteAsync("update an issue", c => c.Issue.Update(repo.Owner, repo.Name, number, update), cancellationToken);
        LogUpdated(repo.FullName, number);
        WarnIfDropped(repo, updated, update.Labels, update.Assignees, issue.Marker);
        return ToTrackerIssue(repo, updated);
    }

    /// <summary>
    /// Lists the action-item issues updated since <paramref name="since"/>, oldest change first, page by page
    /// (pull requests, which the issues endpoint lists too, are skipped). The first page is a conditional request:
    /// a 304 means nothing changed since the same listing last answered, costs no rate limit, and repeats that
    /// answer (callers dedupe). Reads are not paced, but they do wait out a rate-limit pause.
    /// </summary>
    public async Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, CancellationToken cancellationToken)
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

            changes.AddRange((response.Body ?? []).Where(i => i.PullRequest is null).Select(GitHubChangeListing.ToChange));
            page = response.HttpResponse.ApiInfo?.GetNextPageUrl();
        }

        LogChanges(repo.FullName, changes.Count, requests);
        return new TrackerChanges(changes, requests);
    }

    /// <summary>Adds the <c>overdue</c> label and then the comment, each as a paced write.</summary>
    public async Task FlagOverdueAsync(TrackerTarget target, string issueKey, TrackerComment overdue, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        var number = IssueNumber(issueKey);
        var gone = $"issue #{number} was deleted or transferred, or the repository is gone";

        // The label first: adding it again is harmless, so a retry after a failed comment does not comment twice.
        await WriteAsync(
            "label an issue overdue",
            c => new ApiConnection(c.Connection).Post<List<Label>>(
                ApiUrls.IssueLabels(repo.Owner, repo.Name, number),
                new { labels = new[] { OverdueLabel } },
                cancellationToken),
            cancellationToken,
            gone);
        await WriteAsync("comment on an overdue issue", c => c.Issue.Comment.Create(repo.Owner, repo.Name, number, overdue.Text), cancellationToken, gone);
        LogFlaggedOverdue(repo.FullName, number);
    }

    private static IssueUpdate CloseAsCompleted(Issue issue) => new()
    {
        State = ItemState.Closed,
        StateReason = ItemStateReason.Completed,

        // Octokit always sends "milestone" (null when unset), which would clear one set in the meantime.
        Milestone = issue.Milestone?.Number,
    };

    private static TrackerIssue ToTrackerIssue(GitHubRepository repo, Issue issue) =>
        new($"{repo.FullName}#{issue.Number.ToString(CultureInfo.InvariantCulture)}", issue.HtmlUrl, GitHubIssueStatus.Of(issue));

    private static int IssueNumber(string key) =>
        int.TryParse(key.AsSpan(key.LastIndexOf('#') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new TrackerRejectedException($"'{key}' is not a GitHub issue number.");

    /// <summary>GitHub answers 201 but silently drops labels and assignees the token may not set (no push access).</summary>
    private void WarnIfDropped(GitHubRepository repo, Issue issue, IEnumerable<string>? labels, IEnumerable<string>? assignees, string marker)
    {
        var kept = (issue.Labels ?? []).Select(l => l.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var droppedLabels = (labels ?? []).Where(l => !kept.Contains(l)).ToList();
        if (droppedLabels.Contains(marker, StringComparer.OrdinalIgnoreCase))
        {
            LogMarkerDropped(repo.FullName, issue.Number, marker);
        }

        if (droppedLabels.Count > 0)
        {
            LogLabelsDropped(repo.FullName, issue.Number, string.Join(", ", droppedLabels));
        }

        var assigned = (issue.Assignees ?? []).Select(u => u.Login).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var droppedAssignees = (assignees ?? []).Where(a => !assigned.Contains(a)).ToList();
        if (droppedAssignees.Count > 0)
        {
            LogAssigneesDropped(repo.FullName, issue.Number, string.Join(", ", droppedAssignees));
        }
    }

    private Task<T> WriteAsync<T>(string operation, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken, string? gone = null) =>
        _gate.WriteAsync(() => ReadAsync(operation, call, cancellationToken, gone), cancellationToken);

    /// <summary>One call to GitHub, refused locally during a rate-limit pause; <paramref name="gone"/> as in <see cref="GitHubErrors.Translate"/>.</summary>
    private async Task<T> ReadAsync<T>(string operation, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken, string? gone = null)
    {
        if (_client is null)
        {
            throw new TrackerUnavailableException($"GitHub is not configured: set {GitHubOptions.Section}:Token.");
        }

        if (_gate.RemainingPause() is { } pause)
        {
            throw new TrackerUnavailableException($"GitHub asked us to wait before we {operation}; {pause} left.", pause);
        }

        try
        {
            // Octokit's issue calls take no CancellationToken: on cancellation we stop waiting, the request may
            // still complete, and a create that did is found by its marker on the next attempt.
            return await call(_client).WaitAsync(cancellationToken);
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

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Created GitHub issue {Repository}#{Number} for marker {Marker}")]
    private partial void LogCreated(string repository, int number, string marker);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Closed GitHub issue {Repository}#{Number} as completed")]
    private partial void LogClosed(string repository, int number);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Updated GitHub issue {Repository}#{Number}")]
    private partial void LogUpdated(string repository, int number);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "GitHub dropped labels {Labels} on {Repository}#{Number}: the token needs push (triage) access to label issues")]
    private partial void LogLabelsDropped(string repository, int number, string labels);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "GitHub dropped assignees {Assignees} on {Repository}#{Number}: the token needs push access, and each login must be able to be assigned in the repository")]
    private partial void LogAssigneesDropped(string repository, int number, string assignees);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "GitHub dropped the marker label {Marker} on {Repository}#{Number}: a retry cannot find this issue and may create another until the token can label issues")]
    private partial void LogMarkerDropped(string repository, int number, string marker);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Several GitHub issues in {Repository} carry marker {Marker} ({Issues}); using the first")]
    private partial void LogDuplicates(string repository, string marker, string issues);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "GitHub rate-limited the call to {Operation}; all GitHub calls wait {RetryAfter}")]
    private partial void LogWaiting(string operation, TimeSpan retryAfter);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "GitHub action items in {Repository} unchanged since the same listing last answered (304)")]
    private partial void LogUnchanged(string repository);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Listed {Count} changed GitHub action items in {Repository} with {Requests} requests")]
    private partial void LogChanges(string repository, int count, int requests);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Flagged GitHub issue {Repository}#{Number} overdue")]
    private partial void LogFlaggedOverdue(string repository, int number);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "GitHub call to {Operation} failed: {Error}")]
    private partial void LogFailed(string operation, string error);
}
