using System.Globalization;
using System.Text.Json;
using IncidentBridge.ActionItems;
using IncidentBridge.Correlation;
using IncidentBridge.Incidents;
using IncidentBridge.Storage;

namespace IncidentBridge.Postmortems;

/// <summary>
/// Stores a posted postmortem and reconciles its action items with those already known, in one
/// transaction: a new item becomes a pending outbox entry (when the postmortem is published), a changed
/// one is queued for an update of its issue, a removed one is marked and noted on the timeline — its
/// issue is never deleted. Items are matched by key, so posting the same postmortem again makes no new issue.
/// </summary>
internal sealed partial class PostmortemIntake(IDatabase database, ActionItemSignal signal, TimeProvider time, ILogger<PostmortemIntake> logger)
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
        if (await IncidentStore.FindForUpdateAsync(tx, incidentId, database) is null)
        {
            return PostmortemIntakeResult.NoIncident;
        }

        var existing = await PostmortemStore.FindByIncidentAsync(tx, incidentId);
        var id = existing?.Id ?? IdFor(incidentId);
        var publishedAt = postmortem.PublishedAt?.ToUnixTimeMilliseconds()
            ?? (postmortem.IsPublished ? existing?.PublishedAt ?? nowMs : null);
        var row = new PostmortemRow(
            0, id, incidentId, postmortem.Title, postmortem.Status, postmortem.Severity, postmortem.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            publishedAt, format, JsonSerializer.Serialize(postmortem.Document, PostmortemJsonContext.Default.PostmortemDocument), existing?.CreatedAt ?? nowMs, nowMs);
        await PostmortemStore.UpsertAsync(tx, row, body);

        var changes = await ReconcileItemsAsync(tx, row, postmortem, nowMs);
        var kind = existing is null ? TimelineKinds.PostmortemPosted : TimelineKinds.PostmortemUpdated;
        await IncidentStore.AppendTimelineAsync(tx, incidentId, nowMs, kind,
            $"Postmortem {id} {(existing is null ? "posted" : "updated")} ({postmortem.Status}): {changes}", null, $"postmortem:{id}:{nowMs}");
        await tx.CommitAsync(cancellationToken);

        signal.Notify();
        LogApplied(id, incidentId, postmortem.Status, changes.ToString());
        return new PostmortemIntakeResult(id, existing is null);
    }

    private static async Task<ItemChanges> ReconcileItemsAsync(System.Data.Common.DbTransaction tx, PostmortemRow postmortem, Postmortem posted, long nowMs)
    {
        var known = (await ActionItemStore.ForPostmortemAsync(tx, postmortem.Id)).ToDictionary(i => i.ItemKey, StringComparer.Ordinal);
        var published = posted.IsPublished;
        var changes = new ItemChanges();
        var next = known.Count;
        for (var position = 0; position < posted.ActionItems.Count; position++)
        {
            var item = posted.ActionItems[position];
            var due = item.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (!known.Remove(item.Key, out var row))
            {
                next++;
                await ActionItemStore.InsertAsync(tx, new ActionItemRow
                {
                    Id = $"AI-{postmortem.Id[3..]}-{next}",
                    PostmortemId = postmortem.Id,
                    IncidentId = postmortem.IncidentId,
                    ItemKey = item.Key,
                    Position = position,
                    Marker = ActionItemMarker.For(postmortem.IncidentId, item.Key),
                    Description = item.Description,
                    Type = item.Type,
                    Owner = item.Owner,
                    Priority = item.Priority,
                    DueDate = due,
                    Status = item.Status,
                    SyncState = published ? SyncState.Pending : SyncState.Held,
                }, nowMs);
                changes.Added++;
                continue;
            }

            var contentChanged = row.Description != item.Description || row.Owner != item.Owner || row.DueDate != due
                || row.Priority != item.Priority || row.Type != item.Type || row.RemovedAt is not null;
            // Once an issue exists, the tracker owns the item's status (status sync brings it back).
            var status = row.TrackerKey is null ? item.Status : row.Status;
            var updated = row with
            {
                Position = position, Description = item.Description, Type = item.Type, Owner = item.Owner, Priority = item.Priority, DueDate = due,
                Status = status, RemovedAt = null,
            };
            var wakes = published && (row.SyncState == SyncState.Held || row.NeedsUpdate && row.SyncState == SyncState.Synced)
                || !published && row.TrackerKey is null && row.SyncState != SyncState.Held;
            if (updated != row || contentChanged || wakes)
            {
                await ActionItemStore.UpdateContentAsync(tx, updated, contentChanged, published, nowMs);
                changes.Changed += contentChanged ? 1 : 0;
            }
        }

        foreach (var removed in known.Values.Where(r => r.RemovedAt is null))
        {
            // An item removed before it had an issue is held: it makes none. One with an issue keeps it.
            await ActionItemStore.UpdateContentAsync(tx, removed with { RemovedAt = nowMs }, false, removed.TrackerKey is not null && published, nowMs);
            var issue = removed.TrackerKey is null ? "it had no issue yet" : $"its issue {removed.TrackerKey} is kept";
            await IncidentStore.AppendTimelineAsync(tx, postmortem.IncidentId, nowMs, TimelineKinds.ActionItemRemoved,
                $"Action item {removed.ItemKey} was removed from the postmortem; {issue}: {removed.Description}", null, $"removed:{removed.Id}:{nowMs}");
            changes.Removed++;
        }

        return changes;
    }

    /// <summary>One postmortem per incident: INC-2026-0042 has PM-2026-0042.</summary>
    private static string IdFor(string incidentId) =>
        incidentId.StartsWith("INC-", StringComparison.Ordinal) ? "PM-" + incidentId[4..] : "PM-" + incidentId;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Postmortem {PostmortemId} for {IncidentId} stored ({Status}): {Changes}")]
    private partial void LogApplied(string postmortemId, string incidentId, string status, string changes);

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
