namespace IncidentBridge.Tests.Support;

/// <summary>
/// A stateful in-memory tracker with fault knobs, for the exactly-once protocol of the dispatcher and the follow-up
/// jobs. It keeps every issue ever made (duplicates included), its labels, status and comments, so a test can check
/// invariants on what a user would see in the tracker. WireMock tests cover the real Jira and GitHub clients; this
/// one lets a test (or a seeded fault schedule) say precisely "the create happened but its answer was lost".
/// <para>Faults per call: <see cref="Faults"/> decides for each call (by operation name: find, get, create, update,
/// status, comment, close, changes); the scripted queues below serve the scenario tests.</para>
/// </summary>
internal sealed class FakeTracker(string name = "Jira", FakeTimeProvider? clock = null) : ITracker
{
    private readonly object _gate = new();
    private readonly List<FakeIssue> _issues = [];
    private readonly Queue<Func<Exception?>> _createScript = new();
    private readonly List<(DateTimeOffset At, Action Effect)> _late = [];
    private volatile TaskCompletionSource? _hold;
    private int _depth;

    public string Name { get; } = name;

    public int CreateCalls;
    public int SearchCalls;
    public int UpdateCalls;
    public int ChangeQueries;

    /// <summary>How long a new issue stays invisible to the marker search and the change listing (Jira Cloud's index lag).</summary>
    public TimeSpan SearchLag { get; set; }

    /// <summary>Decides each call's fault; null (or <see cref="Fault.None"/>) for a clean call.</summary>
    public Func<string, Fault>? Faults { get; set; }

    /// <summary>What else happens while a slow call is in flight (another replica's batch); not nested.</summary>
    public Func<Task>? Meanwhile { get; set; }

    public TrackerTarget? LastTarget { get; private set; }

    public DateTimeOffset? LastSince { get; private set; }

    public IReadOnlyList<long> LastReconcile { get; private set; } = [];

    /// <summary>Every issue made, duplicates included, as (issue, its current content).</summary>
    public IReadOnlyCollection<(TrackerIssue Issue, NewTrackerIssue Request)> Issues
    {
        get
        {
            lock (_gate)
            {
                return _issues.Select(i => (i.ToIssue(Name), i.Request)).ToList();
            }
        }
    }

    public IReadOnlyList<FakeIssue> All
    {
        get
        {
            lock (_gate)
            {
                return _issues.ToList();
            }
        }
    }

    /// <summary>The overdue flags written, as (issue key, comment text).</summary>
    public List<(string Key, string Comment)> Flagged { get; } = [];

    /// <summary>The next create stores the issue, then fails as if its answer were lost.</summary>
    public FakeTracker LoseNextCreateAnswer()
    {
        lock (_gate)
        {
            _createScript.Enqueue(() => new TrackerUnavailableException("connection reset after the request was sent"));
        }

        return this;
    }

    /// <summary>The next create fails before anything is created.</summary>
    public FakeTracker FailNextCreate(Exception failure)
    {
        lock (_gate)
        {
            _createScript.Enqueue(() => failure is TrackerUnavailableException or TrackerRejectedException ? new NotCreated(failure) : failure);
        }

        return this;
    }

    /// <summary>Creates wait, as if the tracker were slow, until the returned source is completed.</summary>
    public TaskCompletionSource HoldCreates()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = hold;
        return hold;
    }

    /// <summary>An issue someone made by hand that carries <paramref name="marker"/> (a copied label).</summary>
    public FakeIssue AddByHand(string marker, NewTrackerIssue like)
    {
        lock (_gate)
        {
            var issue = NewIssue(like with { Marker = marker }, Now());
            issue.HandMade = true;
            return issue;
        }
    }

    /// <summary>
    /// Someone changes issue <paramref name="key"/> in the tracker at <paramref name="at"/>: any of its status, assignee
    /// (the tracker's id for a person; "" unassigns) and due date. Returns the issue as it is now, for a webhook to carry.
    /// </summary>
    public TrackerIssueChange Edit(string key, DateTimeOffset at, string? status = null, string? assignee = null, DateOnly? due = null)
    {
        lock (_gate)
        {
            var issue = _issues.First(i => i.Key == key);
            issue.Status = status ?? issue.Status;
            issue.Assignee = assignee is null ? issue.Assignee : assignee.Length == 0 ? null : assignee;
            issue.DueDate = due ?? issue.DueDate;
            issue.ChangedAt = at;
            return issue.ToChange(Name);
        }
    }

    /// <summary>Someone deletes issue <paramref name="key"/>: gone from reads, searches and listings.</summary>
    public TrackerIssueChange Delete(string key)
    {
        lock (_gate)
        {
            var issue = _issues.First(i => i.Key == key);
            issue.Deleted = true;
            return issue.ToChange(Name);
        }
    }

    /// <summary>Sets an issue's state as if someone changed it in the tracker at <paramref name="at"/>.</summary>
    public void Change(string marker, string status, DateTimeOffset at)
    {
        lock (_gate)
        {
            var issue = _issues.First(i => i.Marker == marker);
            issue.Status = status;
            issue.ChangedAt = at;
        }
    }

    public async Task<IReadOnlyList<TrackerIssue>> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref SearchCalls);
        return await CallAsync("find", () => Visible().Where(i => i.Marker == marker).OrderBy(i => i.Number).Select(i => i.ToIssue(Name)).ToList(), cancellationToken);
    }

    public Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken) =>
        CallAsync("get", () => Find(key)?.ToIssue(Name), cancellationToken);

    public async Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref CreateCalls);
        if (_hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        LastTarget = target;
        Func<Exception?>? scripted;
        lock (_gate)
        {
            _createScript.TryDequeue(out scripted);
        }

        var failure = scripted?.Invoke();
        if (failure is NotCreated notCreated)
        {
            throw notCreated.Failure;
        }

        var created = await CallAsync("create", () => NewIssue(issue, Now()).ToIssue(Name), cancellationToken);
        if (failure is not null)
        {
            throw failure;
        }

        return created;
    }

    public Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref UpdateCalls);
        return CallAsync("update", () =>
        {
            var found = Require(key);
            found.Request = issue;
            found.Marker = issue.Marker;
            found.Assignee = AssigneeOf(issue);
            found.DueDate = issue.DueDate;
            found.ChangedAt = Now();
            return found.ToIssue(Name) with { StaleBefore = found.ChangedAt };
        }, cancellationToken);
    }

    public Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken) =>
        CallAsync("status", () =>
        {
            var found = Require(key);
            if (found.Status is not ("done" or "not-doing") && status != "open" && found.Status != status)
            {
                found.Status = status;
                found.ChangedAt = Now();
            }

            return true;
        }, cancellationToken);

    public Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, IReadOnlyList<long> reconcile, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ChangeQueries);
        LastSince = since;
        LastReconcile = reconcile;
        return CallAsync("changes", () =>
        {
            var changes = Visible()
                .Where(i => since is null || i.ChangedAt >= since)
                .Where(i => !i.Deleted)
                .Select(i => i.ToChange(Name))
                .ToList();
            return new TrackerChanges(changes, 1);
        }, cancellationToken);
    }

    public Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken) =>
        CallAsync("comment", () => Comment(key, comment), cancellationToken);

    public Task FlagOverdueAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken) =>
        CallAsync("comment", () =>
        {
            Require(key).Labels.Add("overdue");
            if (Comment(key, comment))
            {
                lock (Flagged)
                {
                    Flagged.Add((key, comment.Text));
                }
            }

            return true;
        }, cancellationToken);

    public Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken) =>
        CallAsync("close", () =>
        {
            Comment(duplicateKey, comment);
            var duplicate = Require(duplicateKey);
            if (!duplicate.ClosedAsDuplicate)
            {
                duplicate.ClosedAsDuplicate = true;
                duplicate.Status = "not-doing";
                duplicate.ChangedAt = Now();
            }

            return true;
        }, cancellationToken);

    /// <summary>
    /// Applies the effects of calls the client gave up on, whose time has come (the tracker finished them late).
    /// Called before every call; a test calls it after moving the clock.
    /// </summary>
    public void Pump()
    {
        lock (_gate)
        {
            var now = Now();
            foreach (var late in _late.Where(l => l.At <= now).ToList())
            {
                _late.Remove(late);
                try
                {
                    late.Effect();
                }
                catch (TrackerRejectedException)
                {
                    // The issue it was about is gone: the late effect has nothing to act on.
                }
            }
        }
    }

    /// <summary>
    /// Runs one call's effect under its fault: refused or failed before (no effect); slow (the clock moves on, and
    /// <see cref="Meanwhile"/> runs, while the call is in flight); late (the client gives up, the tracker does it
    /// <see cref="Fault.LateBy"/> later, or never); or done with its answer lost.
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, Func<T> effect, CancellationToken cancellationToken)
    {
        Pump();
        var fault = Faults?.Invoke(operation) ?? Fault.None;
        switch (fault.Kind)
        {
            case FaultKind.FailBefore:
                throw new TrackerUnavailableException($"503 before {operation}");
            case FaultKind.Refuse:
                throw new TrackerRejectedException($"403 refused {operation}");
            case FaultKind.Late:
                clock?.Advance(fault.Delay);
                if (fault.LateBy is { } lateBy)
                {
                    lock (_gate)
                    {
                        _late.Add((Now() + lateBy, () => effect()));
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                throw new TrackerUnavailableException($"{operation} timed out");
        }

        T result;
        lock (_gate)
        {
            result = effect();
        }

        if (fault.Kind == FaultKind.Slow && clock is not null)
        {
            clock.Advance(fault.Delay);
            if (Interlocked.Increment(ref _depth) == 1 && Meanwhile is { } meanwhile)
            {
                try
                {
                    await meanwhile();
                }
                finally
                {
                    Interlocked.Decrement(ref _depth);
                }
            }
            else
            {
                Interlocked.Decrement(ref _depth);
            }
        }

        // The tracker did it; whether the caller hears of it is another matter.
        cancellationToken.ThrowIfCancellationRequested();
        if (fault.Kind == FaultKind.LoseAnswer)
        {
            throw new TrackerUnavailableException($"connection reset after {operation} was sent");
        }

        return result;
    }

    private bool Comment(string key, TrackerComment comment)
    {
        var issue = Require(key);
        if (issue.Comments.Any(c => c.HiddenId == comment.HiddenId))
        {
            return false;
        }

        issue.Comments.Add(comment);
        return true;
    }

    private FakeIssue NewIssue(NewTrackerIssue request, DateTimeOffset now)
    {
        var number = _issues.Count + 1;
        var issue = new FakeIssue(Name == "GitHub" ? $"acme/payments#{number}" : $"PAY-{number}", number, now)
        {
            Request = request,
            Marker = request.Marker,
            Assignee = AssigneeOf(request),
            DueDate = request.DueDate,
            Status = "open",
            ChangedAt = now,
            VisibleAt = now + SearchLag,
        };
        _issues.Add(issue);
        return issue;
    }

    private string? AssigneeOf(NewTrackerIssue request) => Name == "GitHub" ? request.Assignee?.GitHubLogin : request.Assignee?.JiraAccountId;

    private IEnumerable<FakeIssue> Visible()
    {
        var now = Now();
        return _issues.Where(i => i.VisibleAt <= now && !i.Deleted).ToList();
    }

    private FakeIssue? Find(string key) => _issues.FirstOrDefault(i => i.Key == key && !i.Deleted);

    private FakeIssue Require(string key) => Find(key) ?? throw new TrackerRejectedException($"404 issue {key} does not exist");

    private DateTimeOffset Now() => clock?.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public enum FaultKind
    {
        None,
        FailBefore,
        Refuse,
        Slow,
        Late,
        LoseAnswer,
    }

    /// <param name="Delay">How long the call takes (slow) or how long the client waits before giving up (late).</param>
    /// <param name="LateBy">For a late call: how long after the client gave up the tracker does it; null for never.</param>
    public readonly record struct Fault(FaultKind Kind, TimeSpan Delay = default, TimeSpan? LateBy = null)
    {
        public static Fault None => default;
    }

    /// <summary>One issue as the tracker holds it.</summary>
    public sealed class FakeIssue(string key, int number, DateTimeOffset createdAt)
    {
        public string Key { get; } = key;

        public int Number { get; } = number;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public required NewTrackerIssue Request { get; set; }

        public string? Marker { get; set; }

        public required string Status { get; set; }

        public DateTimeOffset ChangedAt { get; set; }

        public DateTimeOffset VisibleAt { get; set; }

        public bool HandMade { get; set; }

        public string? Assignee { get; set; }

        public DateOnly? DueDate { get; set; }

        public bool Deleted { get; set; }

        public bool ClosedAsDuplicate { get; set; }

        public HashSet<string> Labels { get; } = [];

        public List<TrackerComment> Comments { get; } = [];

        public TrackerIssueChange ToChange(string tracker) => new(Key, ToIssue(tracker).Url, Status, Marker, ChangedAt)
        {
            Assignee = Assignee,
            HasDueDate = tracker != "GitHub",
            DueDate = tracker != "GitHub" ? DueDate : null,
            IssueId = 10000 + Number,
        };

        public TrackerIssue ToIssue(string tracker) => new(Key, tracker == "GitHub" ? $"https://github.example/{Key}" : $"https://jira.example/browse/{Key}", Status);
    }

    private sealed class NotCreated(Exception failure) : Exception
    {
        public Exception Failure { get; } = failure;
    }
}
