using System.Globalization;
using IncidentBridge.ActionItems;
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
    private readonly GitHubClient? _client;
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
        }
    }

    public string Name => "GitHub";

    public bool IsConfigured => _client is not null;

    public async Task<TrackerIssue?> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken)
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
        if (issues.Count == 0)
        {
            return null;
        }

        if (issues.Count > 1)
        {
            LogDuplicates(repo.FullName, marker, string.Join(", ", issues.Select(i => $"#{i.Number}")));
        }

        return ToTrackerIssue(issues[0]);
    }

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
        if (!issue.Done)
        {
            return ToTrackerIssue(created);
        }

        // If this close is lost the retry finds the open issue by its marker, and UpdateAsync closes it.
        var closed = await WriteAsync(
            "close an issue as completed",
            c => c.Issue.Update(repo.Owner, repo.Name, created.Number, CloseAsCompleted(created)),
            cancellationToken);
        LogClosed(repo.FullName, created.Number);
        return ToTrackerIssue(closed);
    }

    /// <summary>
    /// Rewrites title and body (which carries due date and priority), swaps a stale priority label for the new one
    /// (other labels, such as <c>overdue</c> or ones people added, stay), assigns the owner's login when known and
    /// not already among the assignees, and closes the issue when the item is done. It never reopens an issue.
    /// Nothing is sent when the issue already matches.
    /// </summary>
    // Placeholder until status sync and the week-4 review land in this tracker.
    public Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, CancellationToken cancellationToken) =>
        throw new TrackerUnavailableException("status sync is not implemented for this tracker yet");

    public Task FlagOverdueAsync(TrackerTarget target, string issueKey, string comment, CancellationToken cancellationToken) =>
        throw new TrackerUnavailableException("overdue flagging is not implemented for this tracker yet");

    public async Task UpdateAsync(TrackerTarget target, TrackerIssue existing, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        var repo = GitHubRepository.Of(target);
        if (!int.TryParse(existing.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new TrackerRejectedException($"'{existing.Key}' is not a GitHub issue number.");
        }

        var current = await ReadAsync("read an issue", c => c.Issue.Get(repo.Owner, repo.Name, number), cancellationToken);
        if (GitHubIssueUpdate.Plan(current, issue) is not { } update)
        {
            return;
        }

        var updated = await WriteAsync("update an issue", c => c.Issue.Update(repo.Owner, repo.Name, number, update), cancellationToken);
        LogUpdated(repo.FullName, number);
        WarnIfDropped(repo, updated, update.Labels, update.Assignees, issue.Marker);
    }

    private static IssueUpdate CloseAsCompleted(Issue issue) => new()
    {
        State = ItemState.Closed,
        StateReason = ItemStateReason.Completed,

        // Octokit always sends "milestone" (null when unset), which would clear one set in the meantime.
        Milestone = issue.Milestone?.Number,
    };

    private static TrackerIssue ToTrackerIssue(Issue issue) =>
        new(issue.Number.ToString(CultureInfo.InvariantCulture), issue.HtmlUrl, Status(issue));

    /// <summary>GitHub issues are open or closed; "in progress" has no standard form there.</summary>
    private static string Status(Issue issue) =>
        issue.State.TryParse(out var state) && state == ItemState.Closed ? ActionItemStatus.Done : ActionItemStatus.Open;

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

    private Task<T> WriteAsync<T>(string operation, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken) =>
        _gate.WriteAsync(() => ReadAsync(operation, call, cancellationToken), cancellationToken);

    private async Task<T> ReadAsync<T>(string operation, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken)
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
        catch (Exception error) when (GitHubErrors.Translate(error, operation, _time, cancellationToken) is { } translated)
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

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "GitHub call to {Operation} failed: {Error}")]
    private partial void LogFailed(string operation, string error);
}
