namespace IncidentBridge.FollowUp;

/// <summary>
/// Takes what a tracker says about an action item's issue onto the item (docs/ARCHITECTURE.md, "Tracker webhooks"):
/// from a webhook, in the inbox processor's transaction (<see cref="ApplyEventInAsync"/>), or from the status sync's
/// poll (<see cref="ApplyAsync"/>). Status, assignee (mapped back to an owner through <c>Owners</c>), due date, a move
/// and a deletion; each change is a timeline entry.
/// <para>Readings of one issue are ordered by the tracker's own updated time: one older than the newest taken is stale and
/// changes nothing, so a webhook retried, delivered late or crossed by a poll ends where the tracker is. What the item is
/// itself still sending wins over a reading that predates it: its status while that is pending, its owner and due date
/// while a content update is (the tracker's next reading, after ours lands, agrees).</para>
/// </summary>
internal sealed partial class TrackerStateApplier(
    IDatabase database,
    OwnerDirectory owners,
    ActionItemMetrics metrics,
    ILogger<TrackerStateApplier> logger)
{
    /// <summary>One webhook event: finds the item by the issue's marker (or key), then applies it.</summary>
    public async Task ApplyEventInAsync(DbTransaction tx, TrackerEvent evt, long nowMs)
    {
        var issue = evt.Issue;
        var key = evt.PreviousKey ?? issue.Key;
        var item = await ActionItemStore.ItemForInAsync(tx, evt.Tracker, evt.PreviousTarget ?? evt.Target, issue.Marker, key);
        if (item is not { TrackerKey: { } recorded } || item.SyncState == SyncState.Lost
            || !string.Equals(item.Tracker, evt.Tracker, StringComparison.OrdinalIgnoreCase))
        {
            // Not ours; or ours while its create is in doubt (the dispatcher finds the issue by marker, and the next poll
            // brings its state); or already lost.
            LogIgnored(evt.Tracker, issue.Key, item is null ? "no action item carries its marker or key" : $"action item {item.Id} is {item.SyncState} and has no issue to follow");
            return;
        }

        if (key != recorded)
        {
            // Another issue with the item's marker (a duplicate), or a move the poll recognises by the marker: the status
            // sync asks the tracker for every issue with the marker and keeps the oldest.
            LogIgnored(evt.Tracker, issue.Key, $"action item {item.Id} follows {recorded}");
            return;
        }

        await ActionItemStore.TouchInAsync(tx, item.Id, issue.IssueId, nowMs);
        if (evt.Kind == TrackerEventKind.Deleted)
        {
            if (await ActionItemStore.MarkLostInAsync(tx, item.Id, recorded, nowMs))
            {
                await IncidentStore.AppendTimelineInAsync(tx, item.IncidentId, nowMs, TimelineKinds.ActionItemLost,
                    $"Action item {item.ItemKey}: {evt.Tracker} issue {recorded} was deleted; no new issue is made for it: {item.Description}", null, $"lost:{item.Id}:{recorded}");
                metrics.TrackerChanged(evt.Tracker, "webhook", "lost");
                LogLost(item.Id, recorded, evt.Tracker);
            }

            return;
        }

        await ApplyInAsync(tx, item, evt.Tracker, issue, evt.Kind == TrackerEventKind.Moved ? evt.Target : null, "webhook", nowMs);
    }

    /// <summary>One reading from the status sync's poll, in a transaction of its own; true when it changed the item.</summary>
    public async Task<bool> ApplyAsync(ActionItemRow item, string tracker, TrackerIssueChange reading, string? target, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await ApplyInAsync(tx, item, tracker, reading, target, "poll", nowMs);
        await tx.CommitAsync(cancellationToken);
        return changed;
    }

    private async Task<bool> ApplyInAsync(DbTransaction tx, ActionItemRow item, string tracker, TrackerIssueChange reading, string? target, string via, long nowMs)
    {
        var at = reading.UpdatedAt.ToUnixTimeMilliseconds();
        if (item.TrackerUpdatedAt is { } newest && at < newest)
        {
            LogStale(item.Id, reading.Key, reading.UpdatedAt, DateTimeOffset.FromUnixTimeMilliseconds(newest));
            return false;
        }

        var recorded = item.TrackerKey ?? reading.Key;
        var moved = reading.Key != recorded;
        var status = item.Status != reading.Status && !item.StatusPending ? reading.Status : item.Status;
        // An edit of the postmortem on its way to the tracker wins over what the tracker said before it arrives.
        var sending = item.NeedsUpdate;
        var owner = sending ? item.Owner : await OwnerInAsync(tx, item, tracker, reading, nowMs);
        var due = reading.HasDueDate && !sending ? reading.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : item.DueDate;
        var dueChanged = due != item.DueDate;
        var state = new TrackerState(reading.Key, reading.Url, target, status, owner, due, dueChanged ? DueDateSources.Tracker : item.DueDateSource);
        var changed = moved || status != item.Status || owner != item.Owner || dueChanged || reading.Url != item.TrackerUrl || target is not null && target != item.TrackerTarget;
        if (!changed && item.TrackerUpdatedAt == at)
        {
            return false;
        }

        if (!await ActionItemStore.ApplyTrackerStateInAsync(tx, item.Id, state, at, nowMs) || !changed)
        {
            return false;
        }

        if (moved)
        {
            await IncidentStore.AppendTimelineInAsync(tx, item.IncidentId, nowMs, TimelineKinds.ActionItemMoved,
                $"Action item {item.ItemKey}: {tracker} issue {recorded} moved to {reading.Key}", null, $"moved:{item.Id}:{reading.Key}");
            metrics.TrackerChanged(tracker, via, "moved");
            LogMoved(item.Id, recorded, reading.Key);
        }

        if (status != item.Status)
        {
            await IncidentStore.AppendTimelineInAsync(tx, item.IncidentId, at, TimelineKinds.ActionItemStatus,
                $"Action item {item.ItemKey} is {status} in {tracker} ({reading.Key}): {item.Description}", null, $"status:{item.Id}:{status}:{at}");
            metrics.TrackerChanged(tracker, via, "status");
            LogStatusChanged(item.Id, item.Status, status, reading.Key);
        }

        if (owner != item.Owner)
        {
            await IncidentStore.AppendTimelineInAsync(tx, item.IncidentId, at, TimelineKinds.ActionItemAssigned,
                $"Action item {item.ItemKey} was assigned to {owner} in {tracker} ({reading.Key}); it was {item.Owner}'s", null, $"assigned:{item.Id}:{owner}:{at}");
            metrics.TrackerChanged(tracker, via, "assignee");
            LogReassigned(item.Id, item.Owner, owner, reading.Key);
        }

        if (dueChanged)
        {
            await IncidentStore.AppendTimelineInAsync(tx, item.IncidentId, at, TimelineKinds.ActionItemDueDate,
                $"Action item {item.ItemKey} is due {due ?? "no date"} in {tracker} ({reading.Key}); it was due {item.DueDate ?? "no date"}", null, $"due:{item.Id}:{due}:{at}");
            metrics.TrackerChanged(tracker, via, "due_date");
        }

        return true;
    }

    /// <summary>
    /// Who holds the item after the tracker's assignee: the <c>Owners</c> entry the tracker's id belongs to. Nobody assigned,
    /// or someone <c>Owners</c> does not know, leaves the owner as it is: their digest would reach nobody (the timeline says so once).
    /// </summary>
    private async Task<string> OwnerInAsync(DbTransaction tx, ActionItemRow item, string tracker, TrackerIssueChange reading, long nowMs)
    {
        if (reading.Assignee is not { Length: > 0 } assignee || owners.IsAssignee(item.Owner, tracker, assignee))
        {
            return item.Owner;
        }

        if (owners.OwnerOf(tracker, assignee) is { } owner)
        {
            return owners.PersonOf(owner) == owners.PersonOf(item.Owner) ? item.Owner : owner;
        }

        if (await IncidentStore.AppendTimelineInAsync(tx, item.IncidentId, nowMs, TimelineKinds.ActionItemAssigned,
            $"Action item {item.ItemKey} was assigned in {tracker} ({reading.Key}) to {assignee}, who is in no IncidentBridge:Owners entry; digests still go to {item.Owner}",
            null, $"assigned-unknown:{item.Id}:{assignee}"))
        {
            LogUnknownAssignee(item.Id, tracker, assignee, item.Owner);
        }

        return item.Owner;
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Action item {ActionItemId} is now {Status} (was {Previous}) per {IssueKey}")]
    private partial void LogStatusChanged(string actionItemId, string previous, string status, string issueKey);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "Action item {ActionItemId} is now {Owner}'s (was {Previous}'s) per {IssueKey}")]
    private partial void LogReassigned(string actionItemId, string previous, string owner, string issueKey);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "Action item {ActionItemId}: {Tracker} assigned it to {Assignee}, whom no Owners entry names; it stays {Owner}'s")]
    private partial void LogUnknownAssignee(string actionItemId, string tracker, string assignee, string owner);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "Action item {ActionItemId}: its {Tracker} issue {IssueKey} was deleted; the item is lost and gets no new issue")]
    private partial void LogLost(string actionItemId, string issueKey, string tracker);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "Action item {ActionItemId}: issue {Previous} moved to {IssueKey}")]
    private partial void LogMoved(string actionItemId, string previous, string issueKey);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Debug, Message = "{Tracker} event about {IssueKey} ignored: {Reason}")]
    private partial void LogIgnored(string tracker, string issueKey, string reason);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Debug, Message = "Action item {ActionItemId}: reading of {IssueKey} at {ReadingAt} is older than the one taken at {NewestAt}; ignored")]
    private partial void LogStale(string actionItemId, string issueKey, DateTimeOffset readingAt, DateTimeOffset newestAt);
}
