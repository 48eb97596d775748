using System.Collections.Concurrent;
using IncidentBridge.Trackers;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// An in-memory tracker with scripted failures, for the dispatcher's exactly-once protocol. WireMock
/// tests cover the real Jira and GitHub clients; this one lets a test say "the create happened but its
/// answer was lost" precisely.
/// </summary>
internal sealed class FakeTracker(string name = "Jira") : ITracker
{
    private readonly ConcurrentDictionary<string, (TrackerIssue Issue, NewTrackerIssue Request)> _issues = new();
    private readonly ConcurrentQueue<Func<Exception?>> _createScript = new();
    private int _next;
    private volatile TaskCompletionSource? _hold;

    public string Name { get; } = name;

    public int CreateCalls;
    public int SearchCalls;
    public int UpdateCalls;

    public IReadOnlyCollection<(TrackerIssue Issue, NewTrackerIssue Request)> Issues => _issues.Values.ToList();

    public TrackerTarget? LastTarget { get; private set; }

    /// <summary>The next create stores the issue, then fails as if its answer were lost.</summary>
    public FakeTracker LoseNextCreateAnswer()
    {
        _createScript.Enqueue(() => new TrackerUnavailableException("connection reset after the request was sent"));
        return this;
    }

    /// <summary>The next create fails before anything is created.</summary>
    public FakeTracker FailNextCreate(Exception failure)
    {
        _createScript.Enqueue(() => failure is TrackerUnavailableException or TrackerRejectedException ? new NotCreated(failure) : failure);
        return this;
    }

    public Task<TrackerIssue?> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref SearchCalls);
        return Task.FromResult(_issues.TryGetValue(marker, out var found) ? found.Issue : null);
    }

    /// <summary>Creates wait, as if the tracker were slow, until the returned source is completed.</summary>
    public TaskCompletionSource HoldCreates()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = hold;
        return hold;
    }

    public async Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref CreateCalls);
        if (_hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        LastTarget = target;
        var failure = _createScript.TryDequeue(out var next) ? next() : null;
        if (failure is NotCreated notCreated)
        {
            throw notCreated.Failure;
        }

        var key = $"PAY-{Interlocked.Increment(ref _next)}";
        var created = new TrackerIssue(key, $"https://jira.example/browse/{key}", issue.Done ? "done" : "open");
        _issues[issue.Marker] = (created, issue);
        if (failure is not null)
        {
            throw failure;
        }

        return created;
    }

    public Task UpdateAsync(TrackerTarget target, TrackerIssue existing, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref UpdateCalls);
        _issues[issue.Marker] = (existing, issue);
        return Task.CompletedTask;
    }

    public List<(string Key, string Comment)> Flagged { get; } = [];

    /// <summary>Sets an issue's state as if someone changed it in the tracker at <paramref name="at"/>.</summary>
    public void Change(string marker, string status, DateTimeOffset at)
    {
        var (issue, request) = _issues[marker];
        _issues[marker] = (issue with { Status = status }, request);
        _changedAt[marker] = at;
    }

    public Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ChangeQueries);
        LastSince = since;
        var changes = _issues
            .Where(i => since is null || _changedAt.GetValueOrDefault(i.Key, DateTimeOffset.MinValue) >= since)
            .Select(i => new TrackerIssueChange(i.Value.Issue.Key, i.Value.Issue.Url, i.Value.Issue.Status, i.Key, _changedAt.GetValueOrDefault(i.Key, DateTimeOffset.MinValue)))
            .ToList();
        return Task.FromResult(new TrackerChanges(changes, 1));
    }

    public Task FlagOverdueAsync(TrackerTarget target, string issueKey, string comment, CancellationToken cancellationToken)
    {
        lock (Flagged)
        {
            Flagged.Add((issueKey, comment));
        }

        return Task.CompletedTask;
    }

    public int ChangeQueries;

    public DateTimeOffset? LastSince { get; private set; }

    private readonly ConcurrentDictionary<string, DateTimeOffset> _changedAt = new();

    private sealed class NotCreated(Exception failure) : Exception
    {
        public Exception Failure { get; } = failure;
    }
}
