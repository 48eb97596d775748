using IncidentBridge.Postmortems;

namespace IncidentBridge.ActionItems;

/// <summary>
/// Sends pending action items to their trackers, exactly once (docs/ARCHITECTURE.md, "Exactly one issue per action
/// item"). Each item is a small state machine driven under a lease, one effect at a time, each recorded as soon as
/// it happened:
/// <list type="number">
/// <item>Fence: before every tracker call the lease is renewed, and only while this dispatcher still holds it; each
/// call is cut off before the lease could run out, so a replica that takes over never overlaps a call of ours.</item>
/// <item>Create: the time a create is sent is committed first (<c>in_doubt_since</c>). An item with a create in doubt
/// is looked up by its marker, but only once <c>SearchSettle</c> has passed since that create (the search may lag
/// behind writes); an issue found is adopted, the oldest if several. Only an empty, settled search leads to a create.</item>
/// <item>The new key is committed on its own, before any later step; the steps then follow as their own outbox work:
/// the update of an edited item (by revision: an edit made while a call was in flight is sent next), and the item's
/// own status (in progress, done). A later step refused or failing never clears what was recorded.</item>
/// </list>
/// Outages and rate limits keep the item pending and retry it with capped back-off, after <c>Retry-After</c> when
/// the tracker gave one; a tracker that failed is paused for the rest of the batch. Nothing is dropped.
/// </summary>
internal sealed partial class ActionItemDispatcher(
    ActionItemStore store,
    IncidentStore incidents,
    PostmortemStore postmortems,
    IEnumerable<ITracker> trackers,
    ActionItemRouter router,
    OwnerDirectory owners,
    ActionItemSignal signal,
    ActionItemMetrics metrics,
    IOptions<ActionItemsOptions> options,
    TimeProvider time,
    ILogger<ActionItemDispatcher> logger) : BackgroundService
{
    private readonly ActionItemsOptions _options = options.Value;
    private readonly Dictionary<string, ITracker> _trackers = trackers.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var retried = await store.RetryRejectedAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), stoppingToken);
            if (retried > 0)
            {
                LogRetryingRejected(retried);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while starting: nothing was claimed, so there is nothing to hand back.
            return;
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                // Not cancelled by shutdown: a tracker call in flight finishes and its answer is recorded.
                claimed = await DispatchBatchAsync(CancellationToken.None, stoppingToken);
            }
            catch (Exception ex)
            {
                LogBatchFailed(ex);
            }

            if (claimed < _options.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(_options.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Claims and sends one batch; returns how many items it claimed. Once <paramref name="stopping"/> is signalled
    /// (SIGTERM), the item in flight finishes and the rest of the batch is handed back unsent, so another replica (or
    /// the next start) takes it at once instead of waiting out the lease.
    /// </summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken, CancellationToken stopping = default)
    {
        var now = time.GetUtcNow();
        var claimed = await store.ClaimDueAsync(_owner, now.ToUnixTimeMilliseconds(), (now + _options.LeaseDuration).ToUnixTimeMilliseconds(), _options.BatchSize, cancellationToken);
        var paused = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < claimed.Count; i++)
        {
            if (stopping.IsCancellationRequested)
            {
                await ReleaseAsync(claimed.Skip(i).ToList(), cancellationToken);
                break;
            }

            await SyncAsync(claimed[i], paused, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task ReleaseAsync(IReadOnlyList<ActionItemRow> unsent, CancellationToken cancellationToken)
    {
        foreach (var item in unsent)
        {
            await store.EndLeaseAsync(item.Id, _owner, cancellationToken, attempts: item.Attempts);
        }

        LogReleased(unsent.Count);
    }

    private async Task SyncAsync(ActionItemRow claimed, Dictionary<string, DateTimeOffset> paused, CancellationToken cancellationToken)
    {
        // Read again under the lease: the batch may have waited behind slow calls, and the item may have been edited.
        if (await store.FindLeasedAsync(claimed.Id, _owner, cancellationToken) is not { } item)
        {
            LogLeaseLost(claimed.Id, "before it was sent");
            return;
        }

        var work = await PrepareAsync(item, cancellationToken);
        if (work is not { Tracker: { } tracker, Target: { } target, Issue: { } issue })
        {
            await RetryLaterAsync(item, SyncState.Pending, work.Problem ?? "The item cannot be sent.", null, cancellationToken);
            return;
        }

        if (paused.TryGetValue(tracker.Name, out var until))
        {
            await RetryLaterAsync(item, SyncState.Pending, $"{tracker.Name} is unavailable; waiting", until - time.GetUtcNow(), cancellationToken);
            return;
        }

        if (item.InDoubtSince is { } doubt && DateTimeOffset.FromUnixTimeMilliseconds(doubt) + _options.SearchSettle is var settled && time.GetUtcNow() < settled)
        {
            // A write of ours may still land, or not be searchable yet: neither search nor write before it has settled.
            LogSettling(item.Id, settled);
            await RetryLaterAsync(item, SyncState.Pending, $"An earlier call's outcome is unknown; the item waits until {settled:u} for it to settle", settled - time.GetUtcNow(), cancellationToken);
            return;
        }

        var step = Step.Find;
        try
        {
            if (item.TrackerKey is null)
            {
                if (await FindOrCreateAsync(item, tracker, target, issue, s => step = s, cancellationToken) is not { } recorded)
                {
                    return;
                }

                item = recorded;
            }

            var key = item.TrackerKey ?? throw new InvalidOperationException($"Action item {item.Id} has no issue key after it was recorded.");
            if (item.NeedsUpdate)
            {
                step = Step.Update;
                var updated = await CallAsync(item, ct => tracker.UpdateAsync(target, key, issue, ct), cancellationToken);
                if (!await store.RecordUpdatedAsync(item.Id, _owner, key, item.Revision, updated.Note, updated.StaleBefore?.ToUnixTimeMilliseconds(), Now(), cancellationToken))
                {
                    LogLeaseLost(item.Id, "after its issue was updated (or the item now follows another issue)");
                    return;
                }

                metrics.Synced(tracker.Name, "updated");
            }

            if (item.StatusPending)
            {
                step = Step.Status;
                await CallAsync(item, async ct => { await tracker.SetStatusAsync(target, key, item.Status, ct); return true; }, cancellationToken);
                if (!await store.RecordStatusAppliedAsync(item.Id, _owner, key, Now(), cancellationToken))
                {
                    LogLeaseLost(item.Id, "after its issue's status was set (or the item now follows another issue)");
                    return;
                }
            }

            await store.EndLeaseAsync(item.Id, _owner, cancellationToken);
            LogSynced(item.Id, tracker.Name, key);
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(item.Id, $"before the {step}");
        }
        catch (TrackerUnavailableException ex)
        {
            if (ex.RequestedRetryAfter > ex.RetryAfter)
            {
                LogRetryAfterCapped(tracker.Name, ex.RequestedRetryAfter.Value, TrackerUnavailableException.MaxRetryAfter);
            }

            var delay = ex.RetryAfter ?? Backoff.Delay(item.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
            paused[tracker.Name] = time.GetUtcNow() + delay;
            metrics.Synced(tracker.Name, "unavailable");
            await RetryLaterAsync(item, SyncState.Pending, ex.Message, delay, cancellationToken, DoubtAfter(step, item));
        }
        catch (TrackerRejectedException ex)
        {
            metrics.Synced(tracker.Name, "rejected");
            LogRejected(item.Id, tracker.Name, ex.Message);

            // A refused call made nothing: a refused create leaves the doubt as it was before it was sent, and a refused
            // search or later step (close, transition, assign) leaves every recorded effect as it was.
            await RetryLaterAsync(item, SyncState.Rejected, ex.Message, _options.RejectedRetryDelay, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Synced(tracker.Name, "error");
            LogFailed(ex, item.Id);
            await RetryLaterAsync(item, SyncState.Pending, $"{ex.GetType().Name}: {ex.Message}", null, cancellationToken, DoubtAfter(step, item));
        }
    }

    /// <summary>
    /// Gets the item its issue: an issue the postmortem named, or the one an earlier create in doubt made (by marker,
    /// once the search has settled), or a new one. Returns the item as recorded with its key, or null when the pass
    /// ends here (the search has not settled yet, or the lease was lost).
    /// </summary>
    private async Task<ActionItemRow?> FindOrCreateAsync(ActionItemRow item, ITracker tracker, TrackerTarget target, NewTrackerIssue issue, Action<Step> at, CancellationToken cancellationToken)
    {
        var targetName = target.Project ?? target.Repository ?? "";
        if (item.AdoptKey is { } named)
        {
            var adopted = await CallAsync(item, ct => tracker.GetAsync(target, named, ct), cancellationToken)
                ?? throw new TrackerRejectedException($"The postmortem names {tracker.Name} issue {named} for this item, but it does not exist.");

            // Written with revision 0: the update that follows puts the marker and the item's text on it. Its status is the tracker's.
            return await RecordIssueAsync(item, tracker, targetName, adopted, 0, false, "adopted", cancellationToken);
        }

        if (item.InDoubtSince is not null)
        {
            // Settled (checked before this pass began): an empty answer now means the create in doubt never happened.
            var found = await CallAsync(item, ct => tracker.FindByMarkerAsync(target, item.Marker, ct), cancellationToken);
            if (found.Count > 0)
            {
                // The lost attempt may have stopped half-way: the update and the status step that follow finish it.
                LogAdopted(item.Id, found[0].Key, item.Marker);
                return await RecordIssueAsync(item, tracker, targetName, found[0] with { Note = null }, 0, item.Status != ActionItemStatus.Open, "found", cancellationToken);
            }
        }

        at(Step.Create);
        var created = await CallAsync(item, ct => tracker.CreateAsync(target, issue, ct), cancellationToken, createSentAt: Now());
        return await RecordIssueAsync(item, tracker, targetName, created, item.Revision, item.Status != ActionItemStatus.Open, "created", cancellationToken);
    }

    private async Task<ActionItemRow?> RecordIssueAsync(ActionItemRow item, ITracker tracker, string target, TrackerIssue issue, long writtenRevision, bool statusPending, string how, CancellationToken cancellationToken)
    {
        var nowMs = Now();
        if (!await store.RecordIssueAsync(item.Id, _owner, tracker.Name, target, issue, writtenRevision, statusPending, nowMs, cancellationToken))
        {
            // Another dispatcher holds the item now; it finds this issue by its marker once the search has settled.
            LogLeaseLost(item.Id, $"after {tracker.Name} issue {issue.Key} was {how}");
            return null;
        }

        metrics.Synced(tracker.Name, how);
        await incidents.AppendTimelineAsync(item.IncidentId, nowMs, TimelineKinds.ActionItemTracked,
            $"Action item {item.ItemKey} is {tracker.Name} issue {issue.Key}: {Shorten(item.Description, 120)}", null, $"tracked:{item.Id}", cancellationToken);
        return item with { TrackerKey = issue.Key, TrackerUrl = issue.Url, SyncedRevision = writtenRevision, StatusPending = statusPending, InDoubtSince = null };
    }

    /// <summary>
    /// One tracker call under the fence: the lease is renewed first (with the create's send time when this is a create),
    /// and the call is cut off at three quarters of the lease, so it cannot outlive it. A call cut off has an unknown outcome.
    /// </summary>
    private async Task<T> CallAsync<T>(ActionItemRow item, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, long? createSentAt = null)
    {
        if (!await store.RenewAsync(item.Id, _owner, (time.GetUtcNow() + _options.LeaseDuration).ToUnixTimeMilliseconds(), createSentAt, cancellationToken))
        {
            throw new LeaseLostException();
        }

        var budget = _options.LeaseDuration * 0.75;
        using var deadline = new CancellationTokenSource(budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await call(linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TrackerUnavailableException($"The tracker did not answer within {budget} (three quarters of the lease).");
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Everything a tracker call needs, or the reason the item cannot be sent yet (no route, tracker not configured).</summary>
    private async Task<DispatchWork> PrepareAsync(ActionItemRow item, CancellationToken cancellationToken)
    {
        var incident = await incidents.FindAsync(item.IncidentId, cancellationToken);
        var postmortem = await postmortems.FindAsync(item.PostmortemId, cancellationToken);
        if (incident is null || postmortem is null)
        {
            return DispatchWork.Blocked($"Incident {item.IncidentId} or postmortem {item.PostmortemId} is missing.");
        }

        var labels = JsonSerializer.Deserialize(incident.Labels, RecordJsonContext.Default.DictionaryStringString) ?? [];
        if (incident.Service is { } service)
        {
            labels.TryAdd("service", service);
        }

        var target = router.Route(labels, item.Owner);
        if (item is { TrackerKey: not null, Tracker: { } recordedTracker, TrackerTarget: { } recordedTarget }
            && (!string.Equals(target?.Tracker, recordedTracker, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(target?.Project ?? target?.Repository, recordedTarget, StringComparison.Ordinal)))
        {
            // The issue stays where it was made, whatever the routing says today.
            target = FollowUp.TrackerTargets.Of(recordedTracker, recordedTarget);
        }

        if (target is null)
        {
            return DispatchWork.Blocked($"No route for this incident's labels: add a rule to {RoutingOptions.Section}:Rules or set {RoutingOptions.Section}:Default.");
        }

        if (!_trackers.TryGetValue(target.Tracker, out var tracker))
        {
            return DispatchWork.Blocked($"{target.Tracker} is not configured (IncidentBridge:Trackers:{target.Tracker}): the item waits until it is.");
        }

        var links = _options.PublicBaseUrl;
        var content = new IssueContent(
            item.Description,
            item.Type,
            item.Owner,
            incident.Id,
            incident.Title,
            postmortem.Id,
            postmortem.Title,
            links is null ? null : new Uri(links, $"api/incidents/{incident.Id}").ToString(),
            links is null ? null : new Uri(links, $"api/postmortems/{postmortem.Id}").ToString());
        var issueLabels = new List<string> { TrackerLabels.Incident, TrackerLabels.ActionItem, item.Priority.ToLowerInvariant() };
        issueLabels.AddRange(target.Labels);
        issueLabels.Add(item.Marker);
        var issue = new NewTrackerIssue(
            item.Marker,
            $"[{incident.Id}] {Shorten(item.Description, 200)}",
            content,
            issueLabels.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            item.Priority,
            item.Due,
            owners.Resolve(item.Owner),
            item.Status);
        return new DispatchWork(null, tracker, target, issue);
    }

    /// <param name="inDoubtSince">The item's doubt from now on; by default what it was when this pass read the item.</param>
    private async Task RetryLaterAsync(ActionItemRow item, string state, string error, TimeSpan? delay, CancellationToken cancellationToken, long? inDoubtSince = null)
    {
        var now = time.GetUtcNow();
        var wait = delay is { } d && d > TimeSpan.Zero ? d : Backoff.Delay(item.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
        await store.RecordFailureAsync(item.Id, _owner, state, error, (now + wait).ToUnixTimeMilliseconds(), inDoubtSince ?? item.InDoubtSince, now.ToUnixTimeMilliseconds(), cancellationToken);
        LogRetry(item.Id, error, wait);
    }

    /// <summary>
    /// A write (create, update, status) whose outcome is unknown may still land: the doubt counts from now, the moment we
    /// gave up on it. A search changes nothing.
    /// </summary>
    private long? DoubtAfter(Step step, ActionItemRow item) => step == Step.Find ? item.InDoubtSince : Now();

    private static string Shorten(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        if (line.Length <= max)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', max - 1);
        return line[..(cut > max / 2 ? cut : max - 1)] + "…";
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Action item {ActionItemId} is {Tracker} issue {IssueKey}")]
    private partial void LogSynced(string actionItemId, string tracker, string issueKey);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Action item {ActionItemId} found its earlier issue {IssueKey} by marker {Marker}: adopted, not created again")]
    private partial void LogAdopted(string actionItemId, string issueKey, string marker);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Action item {ActionItemId} waits: {Reason}; next try in {Delay}")]
    private partial void LogRetry(string actionItemId, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "{Tracker} refused action item {ActionItemId}: {Reason}")]
    private partial void LogRejected(string actionItemId, string tracker, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Sending action item {ActionItemId} failed unexpectedly")]
    private partial void LogFailed(Exception exception, string actionItemId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Action item batch failed; its items are retried when their lease ends")]
    private partial void LogBatchFailed(Exception exception);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Shutting down: {Count} claimed action items handed back unsent")]
    private partial void LogReleased(int count);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Retrying {Count} action items a tracker refused before this start")]
    private partial void LogRetryingRejected(int count);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Action item {ActionItemId}: this dispatcher's lease was taken over {When}; it stops, and the new holder carries on")]
    private partial void LogLeaseLost(string actionItemId, string when);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Action item {ActionItemId}: an earlier create's outcome is unknown; its marker search is trusted from {Settled}")]
    private partial void LogSettling(string actionItemId, DateTimeOffset settled);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "{Tracker} asked us to wait {RequestedRetryAfter}; waiting {MaxRetryAfter}, the longest Retry-After honoured")]
    private partial void LogRetryAfterCapped(string tracker, TimeSpan requestedRetryAfter, TimeSpan maxRetryAfter);

    private enum Step
    {
        Find,
        Create,
        Update,
        Status,
    }

    /// <summary>Thrown by the fence: the lease is no longer this dispatcher's, so nothing more may be sent or recorded.</summary>
    private sealed class LeaseLostException : Exception;

    private sealed record DispatchWork(string? Problem, ITracker? Tracker, TrackerTarget? Target, NewTrackerIssue? Issue)
    {
        public static DispatchWork Blocked(string problem) => new(problem, null, null, null);
    }
}
