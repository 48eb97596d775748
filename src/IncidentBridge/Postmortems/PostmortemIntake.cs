using IncidentBridge.FollowUp;

namespace IncidentBridge.Postmortems;

/// <summary>
/// Stores a posted postmortem and reconciles its action items with those already known, in one
/// transaction: a new item becomes a pending outbox entry (when the postmortem is published), a changed
/// one is queued for an update of its issue, a removed one is marked and noted on the timeline — its
/// issue is never deleted. Items are matched by id or by their text (<see cref="ActionItemMatcher"/>), never by their row
/// number, so posting the same postmortem again makes no new issue and renumbering moves no issue to another action.
/// An item naming an existing issue (<see cref="ActionItem.TrackerKey"/>) is stored with it to adopt, not to create.
/// </summary>
internal sealed partial class PostmortemIntake(IDatabase database, ActionItemSignal signal, IOptions<FollowUpOptions> followUp, TimeProvider time, ILogger<PostmortemIntake> logger)
{
    public async Task<PostmortemIntakeResult> ApplyAsync(string incidentId, Postmortem postmortem, string format, string body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // Locked, not just read: the same postmortem posted to two replicas at once is reconciled one after the
        // other, so the second sees the first's action items and adds none (SQLite's write transaction is serial already).
        if (await IncidentStore.FindForUpdateInAsync(tx, incidentId, database) is null)
        {
            return PostmortemIntakeResult.NoIncident;
        }

        var existing = await PostmortemStore.FindByIncidentInAsync(tx, incidentId);
        var id = existing?.Id ?? IdFor(incidentId);
        var publishedAt = postmortem.PublishedAt?.ToUnixTimeMilliseconds()
            ?? (postmortem.IsPublished ? existing?.PublishedAt ?? nowMs : null);
        var row = new PostmortemRow(
            0, id, incidentId, postmortem.Title, postmortem.Status, postmortem.Severity, postmortem.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            publishedAt, format, JsonSerializer.Serialize(postmortem.Document, PostmortemJsonContext.Default.PostmortemDocument), existing?.CreatedAt ?? nowMs, nowMs);
        await PostmortemStore.UpsertInAsync(tx, row, body);

        var changes = await ReconcileItemsAsync(tx, row, postmortem, nowMs);
        var kind = existing is null ? TimelineKinds.PostmortemPosted : TimelineKinds.PostmortemUpdated;
        await IncidentStore.AppendTimelineInAsync(tx, incidentId, nowMs, kind,
            $"Postmortem {id} {(existing is null ? "posted" : "updated")} ({postmortem.Status}): {changes}", null, $"postmortem:{id}:{nowMs}");
        await tx.CommitAsync(cancellationToken);

        signal.Notify();
        LogApplied(id, incidentId, postmortem.Status, changes.ToString());
        return new PostmortemIntakeResult(id, existing is null);
    }

    private async Task<ItemChanges> ReconcileItemsAsync(DbTransaction tx, PostmortemRow postmortem, Postmortem posted, long nowMs)
    {
        var stored = await ActionItemStore.ForPostmortemInAsync(tx, postmortem.Id);
        var markers = stored.Select(r => r.Marker).ToHashSet(StringComparer.Ordinal);
        var matches = ActionItemMatcher.Match(stored, posted.ActionItems, key => markers.Contains(ActionItemMarker.For(postmortem.IncidentId, key)));
        var published = posted.IsPublished;
        var changes = new ItemChanges();
        var next = stored.Count;
        foreach (var match in matches)
        {
            var item = match.Item;
            var (due, dueSource) = DueDateOf(item, postmortem);
            if (match.Stored is not { } row)
            {
                next++;
                var marker = MarkerFor(postmortem.IncidentId, match.Key, markers);
                markers.Add(marker);
                await ActionItemStore.InsertInAsync(tx, new ActionItemRow
                {
                    Id = $"AI-{postmortem.Id[3..]}-{next}",
                    PostmortemId = postmortem.Id,
                    IncidentId = postmortem.IncidentId,
                    ItemKey = match.Key,
                    Position = match.Position,
                    Marker = marker,
                    Description = item.Description,
                    Type = item.Type,
                    Owner = item.Owner,
                    Priority = item.Priority,
                    DueDate = due,
                    DueDateSource = dueSource,
                    Status = item.Status,
                    SyncState = published ? SyncState.Pending : SyncState.Held,
                    AdoptKey = item.TrackerKey,
                }, nowMs);
                changes.Added++;
                continue;
            }

            if (row.ItemKey != match.Key)
            {
                // The author gave the item an id: it is known by that from now on. Its marker, stored, stays.
                await ActionItemStore.RekeyInAsync(tx, row.Id, match.Key, nowMs);
                LogRekeyed(row.Id, row.ItemKey, match.Key);
            }

            var adopt = Adoption(row, item.TrackerKey);
            // Owner and due date are compared with what the postmortem said last time, not with what holds now: the tracker
            // may have reassigned the issue or moved its date since, and a re-post that leaves them as they were keeps that.
            var ownerEdited = (row.PostedOwner ?? row.Owner) != item.Owner;
            var dueEdited = (row.PostedOwner is null ? row.DueDate : row.PostedDueDate) != due;
            var contentChanged = row.Description != item.Description || ownerEdited || dueEdited
                || row.Priority != item.Priority || row.Type != item.Type || row.RemovedAt is not null || adopt is not null;
            // Once an issue exists, the tracker owns the item's status (status sync brings it back).
            var status = row.TrackerKey is null ? item.Status : row.Status;
            var updated = row with
            {
                ItemKey = match.Key, Position = match.Position, Description = item.Description, Type = item.Type, Owner = ownerEdited ? item.Owner : row.Owner,
                Priority = item.Priority, DueDate = dueEdited ? due : row.DueDate, DueDateSource = dueEdited ? dueSource : row.DueDateSource, Status = status,
                RemovedAt = null, AdoptKey = row.AdoptKey ?? adopt, PostedOwner = item.Owner, PostedDueDate = due,
            };
            var wakes = published && (row.SyncState == SyncState.Held || row.NeedsUpdate && row.SyncState == SyncState.Synced)
                || !published && row.TrackerKey is null && row.SyncState != SyncState.Held;
            if (updated != row || contentChanged || wakes)
            {
                await ActionItemStore.UpdateContentInAsync(tx, updated, contentChanged, published, nowMs, item.Owner, due);
                changes.Changed += contentChanged ? 1 : 0;
            }
        }

        var kept = matches.Select(m => m.Stored?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var removed in stored.Where(r => r.RemovedAt is null && !kept.Contains(r.Id)))
        {
            // An item removed before it had an issue is held: it makes none. One with an issue keeps it.
            await ActionItemStore.UpdateContentInAsync(tx, removed with { RemovedAt = nowMs }, false, removed.TrackerKey is not null && published, nowMs);
            var issue = removed.TrackerKey is null ? "it had no issue yet" : $"its issue {removed.TrackerKey} is kept";
            await IncidentStore.AppendTimelineInAsync(tx, postmortem.IncidentId, nowMs, TimelineKinds.ActionItemRemoved,
                $"Action item {removed.ItemKey} was removed from the postmortem; {issue}: {removed.Description}", null, $"removed:{removed.Id}:{nowMs}");
            changes.Removed++;
        }

        return changes;
    }

    /// <summary>
    /// The issue a re-post names for a stored item, when it is still to be adopted: not once the item has an issue (or
    /// an adopted one pending), nor while a create's outcome is unknown (that create may have made its issue already).
    /// </summary>
    private string? Adoption(ActionItemRow row, string? named)
    {
        if (named is null)
        {
            return null;
        }

        var current = row.TrackerKey ?? row.AdoptKey;
        if (current is null && row.InDoubtSince is null)
        {
            return named;
        }

        if (current is null || !TrackerKeys.Same(current, named))
        {
            LogNotAdopted(row.Id, named, current ?? "an issue whose create is in doubt");
        }

        return null;
    }

    /// <summary>
    /// The item's idempotency marker, made once here and stored. It is the one for its key unless an item re-keyed to its
    /// author's id still carries that (the key it had before): a marker must find one item's issue only.
    /// </summary>
    private static string MarkerFor(string incidentId, string key, HashSet<string> taken)
    {
        var marker = ActionItemMarker.For(incidentId, key);
        for (var n = 2; taken.Contains(marker); n++)
        {
            marker = ActionItemMarker.For(incidentId, $"{key}\n{n}");
        }

        return marker;
    }


    /// <summary>
    /// The item's due date as posted; an item of a published postmortem that has none is due its priority's
    /// <c>FollowUp:Policies:&lt;priority&gt;:DueDays</c> after publication, so that it is chased like any other.
    /// </summary>
    private (string? Due, string Source) DueDateOf(ActionItem item, PostmortemRow postmortem)
    {
        if (item.DueDate is { } given)
        {
            return (given.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DueDateSources.Postmortem);
        }

        if (postmortem.PublishedAt is not { } publishedMs)
        {
            return (null, DueDateSources.Postmortem);
        }

        var published = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(publishedMs).UtcDateTime);
        return (published.AddDays(followUp.Value.Policies.For(item.Priority).DueDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DueDateSources.Policy);
    }

    /// <summary>One postmortem per incident: INC-2026-0042 has PM-2026-0042.</summary>
    private static string IdFor(string incidentId) =>
        incidentId.StartsWith("INC-", StringComparison.Ordinal) ? "PM-" + incidentId[4..] : "PM-" + incidentId;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Postmortem {PostmortemId} for {IncidentId} stored ({Status}): {Changes}")]
    private partial void LogApplied(string postmortemId, string incidentId, string status, string changes);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Action item {ActionItemId} is keyed {NewKey} (was {OldKey}): its author gave it that id")]
    private partial void LogRekeyed(string actionItemId, string oldKey, string newKey);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Action item {ActionItemId} names issue {Named}, but it keeps {Current}: an item's issue is not swapped by a re-post")]
    private partial void LogNotAdopted(string actionItemId, string named, string current);

    private sealed class ItemChanges
    {
        public int Added { get; set; }

        public int Changed { get; set; }

        public int Removed { get; set; }

        public override string ToString() => $"{Added} action items added, {Changed} changed, {Removed} removed";
    }
}

internal sealed record PostmortemIntakeResult(string? PostmortemId, bool Created)
{
    public static PostmortemIntakeResult NoIncident { get; } = new(null, false);
}
