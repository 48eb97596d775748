namespace IncidentBridge.FollowUp;

/// <summary>
/// Brings each issue's state back from its tracker (docs/ARCHITECTURE.md, follow-up jobs). Per tracker target it asks only for
/// issues changed since the newest change it has seen (in the tracker's own clock, so no skew between us and it;
/// the tracker overlaps the window and repeats change nothing), so requests grow with changes, not with items.
/// When nothing changed the watermark stays put, so the next request is the same one (GitHub answers it with a
/// free 304). An issue moved to another key is recognised by its marker. A target that fails keeps its watermark.
/// <para>It also heals duplicates: when a changed issue carries a marker under another key than the item's, the tracker
/// is asked for every issue with that marker. One issue means the issue moved; several mean duplicates (made by hand,
/// or by a search lag longer than <c>SearchSettle</c>): the oldest is kept (the item follows it) and each other one is
/// closed as its duplicate, counted and written on the incident's timeline.</para>
/// </summary>
internal sealed partial class StatusSyncJob(
    FollowUpStore store,
    ActionItemStore items,
    IncidentStore incidents,
    TrackerStateApplier applier,
    IEnumerable<ITracker> trackers,
    ActionItemMetrics metrics,
    IOptions<ActionItemsOptions> actionItems,
    TimeProvider time,
    ILogger<StatusSyncJob> logger) : IFollowUpJob
{
    public const string JobName = "status-sync";

    /// <summary>How much earlier than a target's first item its first sync starts: our clock and the tracker's may disagree.</summary>
    private static readonly TimeSpan FirstSyncMargin = TimeSpan.FromHours(1);

    /// <summary>How far back a webhook's issue is passed as <c>reconcileIssues</c>: over two default sync intervals.</summary>
    private static readonly TimeSpan ReconcileWindow = TimeSpan.FromMinutes(15);

    public string Name => JobName;

    public async Task<JobResult> RunAsync(JobRunOptions options, CancellationToken cancellationToken)
    {
        var result = new JobResultBuilder(JobName, time.GetUtcNow());
        var byName = trackers.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (trackerName, target, firstItemAt) in await items.SyncTargetsAsync(cancellationToken))
        {
            result.Add("targets");
            if (!byName.TryGetValue(trackerName, out var tracker))
            {
                result.Problem($"{trackerName} {target}: no such tracker is configured");
                continue;
            }

            await SyncTargetAsync(tracker, target, DateTimeOffset.FromUnixTimeMilliseconds(firstItemAt), result, cancellationToken);
        }

        return result.Build(time.GetUtcNow(), $"{result["targets"]} targets, {result["changes"]} changed issues, {result["updated"]} items updated, {result["requests"]} requests");
    }

    private async Task SyncTargetAsync(ITracker tracker, string target, DateTimeOffset firstItemAt, JobResultBuilder result, CancellationToken cancellationToken)
    {
        // The first sync of a target asks for what changed since our first item there (less an hour for clocks that
        // disagree), not for every action-item issue the project ever had: its memory is bounded by our own era.
        var since = await store.SyncedFromAsync(tracker.Name, target, cancellationToken) is { } ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : firstItemAt - FirstSyncMargin;
        // Issues a webhook told us about lately: Jira Cloud's search may not show their newest state yet unless asked to.
        var touchedSince = time.GetUtcNow() - ReconcileWindow;
        var reconcile = await items.TouchedIssueIdsAsync(tracker.Name, target, touchedSince.ToUnixTimeMilliseconds(), TrackerChanges.MaxReconcile, cancellationToken);
        TrackerChanges changes;
        try
        {
            changes = await tracker.GetChangedSinceAsync(TrackerTargets.Of(tracker.Name, target), since, reconcile, cancellationToken);
        }
        catch (Exception ex) when (ex is TrackerUnavailableException or TrackerRejectedException)
        {
            result.Problem($"{tracker.Name} {target}: {ex.Message}");
            LogTargetFailed(tracker.Name, target, ex.Message);
            return;
        }

        result.Add("requests", changes.Requests);
        var trackerTarget = TrackerTargets.Of(tracker.Name, target);
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        DateTimeOffset? deferred = null;
        foreach (var change in changes.Issues)
        {
            result.Add("changes");
            try
            {
                if (!await ApplyAsync(tracker, trackerTarget, target, change, kept, result, cancellationToken) && (deferred is null || change.UpdatedAt < deferred))
                {
                    deferred = change.UpdatedAt;
                }
            }
            catch (Exception ex) when (ex is TrackerUnavailableException or TrackerRejectedException)
            {
                // The watermark stays put: the next run sees this change again and finishes the job.
                result.Problem($"{tracker.Name} {change.Key}: {ex.Message}");
                LogTargetFailed(tracker.Name, target, ex.Message);
                return;
            }
        }

        if (changes.Issues.Count > 0)
        {
            // The tracker's search lags behind its writes (up to SearchSettle): a change made just before the newest one
            // seen may not be listed yet, so the next listing starts no later than that long ago.
            var newest = changes.Issues.Max(c => c.UpdatedAt);
            var listedForSure = time.GetUtcNow() - actionItems.Value.SearchSettle;
            var from = newest < listedForSure ? newest : listedForSure;
            if (deferred < from)
            {
                from = deferred.Value;
            }

            if (from > since)
            {
                await store.SetSyncedFromAsync(tracker.Name, target, from.ToUnixTimeMilliseconds(), cancellationToken);
            }
        }
    }

    /// <summary>Applies one change; false when it must be listed again next time (its item has no issue recorded yet).</summary>
    private async Task<bool> ApplyAsync(ITracker tracker, TrackerTarget trackerTarget, string target, TrackerIssueChange change, Dictionary<string, string> kept, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var found = await items.ItemForAsync(tracker.Name, target, change.Marker, change.Key, cancellationToken);
        if (found is not { TrackerKey: { } recordedKey } item)
        {
            // An item whose create is in doubt is the dispatcher's: it finds its issue by marker under its lease. Whether
            // this issue is that one or a duplicate is known once it has: look again then.
            return found is null || found.RemovedAt is not null;
        }

        var keep = recordedKey;
        if (change.Marker == item.Marker && change.Key != recordedKey)
        {
            if (!kept.TryGetValue(item.Marker, out keep))
            {
                var (kept0, duplicates) = await HealAsync(tracker, trackerTarget, item, result, cancellationToken);
                keep = kept0?.Key ?? recordedKey;
                kept[item.Marker] = keep;
                if (duplicates && kept0 is not null && keep != recordedKey)
                {
                    // The item follows the oldest issue, and puts its own text and status on it (the dispatcher's work).
                    await items.FollowKeptIssueAsync(item.Id, kept0.Key, kept0.Url, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
                    result.Add("updated");
                    return true;
                }
            }
        }

        if (change.Key != keep)
        {
            // A duplicate (closed just now or earlier): its state is not the item's.
            return true;
        }

        var moved = keep != recordedKey;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (await applier.ApplyAsync(item, tracker.Name, change, moved ? TrackerTargets.OfKey(tracker.Name, change.Key) : null, nowMs, cancellationToken))
        {
            result.Add("updated");
            if (moved)
            {
                result.Add("moved");
                result.Problem($"{tracker.Name} issue {recordedKey} of action item {item.Id} moved to {change.Key}");
            }
        }

        return true;
    }

    /// <summary>
    /// Every issue carrying the item's marker: one is the item's issue (moved, perhaps); of several, the oldest is kept
    /// and each other one is closed as its duplicate (idempotent: its comment carries a hidden marker, and a closed issue
    /// is not closed again), whatever its state: one a dispatcher closed as done is still a duplicate.
    /// Returns the key the item keeps, and whether there were duplicates.
    /// </summary>
    private async Task<(TrackerIssue? Keep, bool Duplicates)> HealAsync(ITracker tracker, TrackerTarget target, ActionItemRow item, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var carriers = (await tracker.FindByMarkerAsync(target, item.Marker, cancellationToken)).ToList();
        if (item.TrackerKey is { } recorded && !carriers.Any(c => c.Key == recorded))
        {
            // The search may lag behind the item's own issue: read it directly. Gone means it moved (or was deleted);
            // Jira answers a moved issue's old key with its new one.
            if (await tracker.GetAsync(target, recorded, cancellationToken) is { } mine && carriers.All(c => c.Key != mine.Key))
            {
                carriers.Add(mine);
                carriers.Sort((a, b) => IssueNumber(a.Key).CompareTo(IssueNumber(b.Key)));
            }
        }

        if (carriers.Count == 0)
        {
            return (null, false);
        }

        var keep = carriers[0];
        foreach (var duplicate in carriers.Skip(1))
        {
            var comment = new TrackerComment(item.Marker, $"duplicate-{duplicate.Key}",
                $"IncidentBridge: this issue duplicates {keep.Key}, which tracks action item {item.ItemKey} of incident {item.IncidentId}. Closing it; please follow {keep.Key}.");
            await tracker.CloseAsDuplicateAsync(target, duplicate.Key, keep.Key, comment, cancellationToken);
            if (await incidents.AppendTimelineAsync(item.IncidentId, time.GetUtcNow().ToUnixTimeMilliseconds(), TimelineKinds.ActionItemDuplicate,
                $"Action item {item.ItemKey}: {tracker.Name} issue {duplicate.Key} duplicated {keep.Key} and was closed", null, $"duplicate:{item.Id}:{duplicate.Key}", cancellationToken))
            {
                metrics.DuplicateClosed(tracker.Name);
                result.Add("duplicatesClosed");
                result.Problem($"{tracker.Name} issue {duplicate.Key} duplicated {keep.Key} (action item {item.Id}): closed");
                LogDuplicateClosed(duplicate.Key, keep.Key, item.Id);
            }
        }

        return (keep, carriers.Count > 1);
    }

    /// <summary>PAY-12 → 12, acme/payments#7 → 7: within one project or repository, the lower number is the older issue.</summary>
    private static long IssueNumber(string key)
    {
        var digits = key.Length;
        while (digits > 0 && char.IsAsciiDigit(key[digits - 1]))
        {
            digits--;
        }

        return long.TryParse(key.AsSpan(digits), out var number) ? number : long.MaxValue;
    }

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Status sync of {Tracker} {Target} failed, retried next run: {Reason}")]
    private partial void LogTargetFailed(string tracker, string target, string reason);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Closed {Duplicate} as a duplicate of {Kept}: both carried the marker of action item {ActionItemId}")]
    private partial void LogDuplicateClosed(string duplicate, string kept, string actionItemId);
}
