using System.Text.Json;
using IncidentBridge.Correlation;
using IncidentBridge.Incidents;
using IncidentBridge.Operations;
using IncidentBridge.Postmortems;
using IncidentBridge.Trackers;
using Microsoft.Extensions.Options;

namespace IncidentBridge.ActionItems;

/// <summary>
/// Sends pending action items to their trackers, one at a time, exactly once (CONTRACT §5):
/// <list type="number">
/// <item>the claim marks an item without an issue <c>uncertain</c> and commits, before any create is sent;</item>
/// <item>an item that was already uncertain (a previous create's answer never got recorded: timeout, 5xx,
/// crash, restart) is first looked up by its marker label, and an issue found is adopted;</item>
/// <item>only then is the issue created, and its key recorded.</item>
/// </list>
/// Outages and rate limits keep the item pending and retry it with capped back-off, after <c>Retry-After</c>
/// when the tracker gave one; a tracker that failed is paused for the rest of the batch. Nothing is dropped.
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
        catch (Exception ex) when (ex is not OperationCanceledException)
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
            await store.ReleaseAsync(item, _owner, cancellationToken);
        }

        LogReleased(unsent.Count);
    }

    private async Task SyncAsync(ActionItemRow item, Dictionary<string, DateTimeOffset> paused, CancellationToken cancellationToken)
    {
        var wasUncertain = item.Uncertain == 1;
        var work = await PrepareAsync(item, cancellationToken);
        if (work.Problem is { } problem)
        {
            await RetryLaterAsync(item, SyncState.Pending, problem, wasUncertain, null, cancellationToken);
            return;
        }

        var (tracker, target, issue) = (work.Tracker, work.Target, work.Issue);
        if (tracker is null || target is null || issue is null)
        {
            return;
        }

        if (paused.TryGetValue(tracker.Name, out var until))
        {
            await RetryLaterAsync(item, SyncState.Pending, $"{tracker.Name} is unavailable; waiting", wasUncertain, until - time.GetUtcNow(), cancellationToken);
            return;
        }

        var createSent = false;
        try
        {
            TrackerIssue result;
            if (item.TrackerKey is null)
            {
                var found = wasUncertain ? await tracker.FindByMarkerAsync(target, item.Marker, cancellationToken) : null;
                if (found is not null)
                {
                    LogAdopted(item.Id, found.Key, item.Marker);
                    // The lost attempt may have stopped half-way (created, not yet closed): finish it.
                    await tracker.UpdateAsync(target, found, issue, cancellationToken);
                }

                createSent = found is null;
                result = found ?? await tracker.CreateAsync(target, issue, cancellationToken);
                await incidents.AppendTimelineAsync(item.IncidentId, time.GetUtcNow().ToUnixTimeMilliseconds(), TimelineKinds.ActionItemTracked,
                    $"Action item {item.ItemKey} is {tracker.Name} issue {result.Key}: {Shorten(item.Description, 120)}", null, $"tracked:{item.Id}", cancellationToken);
            }
            else
            {
                result = new TrackerIssue(item.TrackerKey, item.TrackerUrl ?? "", item.Status);
                if (item.NeedsUpdate == 1)
                {
                    await tracker.UpdateAsync(target, result, issue, cancellationToken);
                }
            }

            await store.RecordSyncedAsync(item.Id, _owner, tracker.Name, target.Project ?? target.Repository ?? "", result.Key, result.Url, item.TrackerKey is null ? result.Status : null, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            metrics.Synced(tracker.Name, createSent ? "created" : item.TrackerKey is null ? "adopted" : "updated");
            LogSynced(item.Id, tracker.Name, result.Key);
        }
        catch (TrackerUnavailableException ex)
        {
            var delay = ex.RetryAfter ?? Backoff.Delay(item.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
            paused[tracker.Name] = time.GetUtcNow() + delay;
            metrics.Synced(tracker.Name, "unavailable");
            await RetryLaterAsync(item, SyncState.Pending, ex.Message, wasUncertain || createSent, delay, cancellationToken);
        }
        catch (TrackerRejectedException ex)
        {
            metrics.Synced(tracker.Name, "rejected");
            LogRejected(item.Id, tracker.Name, ex.Message);
            // A refused create made nothing; a refused search leaves the earlier doubt in place.
            await RetryLaterAsync(item, SyncState.Rejected, ex.Message, wasUncertain && !createSent, _options.RejectedRetryDelay, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Synced(tracker.Name, "error");
            LogFailed(ex, item.Id);
            await RetryLaterAsync(item, SyncState.Pending, $"{ex.GetType().Name}: {ex.Message}", wasUncertain || createSent, null, cancellationToken);
        }
    }

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

        var target = router.Route(labels);
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
        var issueLabels = new List<string> { "incident", "action-item", item.Priority.ToLowerInvariant() };
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
            item.Status == ActionItemStatus.Done);
        return new DispatchWork(null, tracker, target, issue);
    }

    private async Task RetryLaterAsync(ActionItemRow item, string state, string error, bool uncertain, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wait = delay is { } d && d > TimeSpan.Zero ? d : Backoff.Delay(item.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
        await store.RecordFailureAsync(item.Id, _owner, state, error, uncertain, (now + wait).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), cancellationToken);
        LogRetry(item.Id, error, wait);
    }

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

    private sealed record DispatchWork(string? Problem, ITracker? Tracker, TrackerTarget? Target, NewTrackerIssue? Issue)
    {
        public static DispatchWork Blocked(string problem) => new(problem, null, null, null);
    }
}
