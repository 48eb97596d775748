using System.Data.Common;
using Dapper;
using IncidentBridge.Storage;

namespace IncidentBridge.ActionItems;

/// <summary>Action items and their outbox state. Claims are leases, like the inbox's, so replicas share the work.</summary>
internal sealed class ActionItemStore(IDatabase database)
{
    public const string Columns = """
        seq AS Seq, id AS Id, postmortem_id AS PostmortemId, incident_id AS IncidentId, item_key AS ItemKey, position AS Position,
        marker AS Marker, description AS Description, type AS Type, owner AS Owner, priority AS Priority, due_date AS DueDate,
        status AS Status, removed_at AS RemovedAt, tracker AS Tracker, tracker_target AS TrackerTarget, tracker_key AS TrackerKey,
        tracker_url AS TrackerUrl, sync_state AS SyncState, needs_update AS NeedsUpdate, uncertain AS Uncertain, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, sync_error AS SyncError
        """;

    public static async Task<IReadOnlyList<ActionItemRow>> ForPostmortemAsync(DbTransaction tx, string postmortemId) =>
        (await Connection(tx).QueryAsync<ActionItemRow>(
            $"SELECT {Columns} FROM action_items WHERE postmortem_id = @PostmortemId ORDER BY position, seq", new { PostmortemId = postmortemId }, tx)).ToList();

    public static Task InsertAsync(DbTransaction tx, ActionItemRow item, long nowMs) =>
        Connection(tx).ExecuteAsync(
            """
            INSERT INTO action_items (id, postmortem_id, incident_id, item_key, position, marker, description, type, owner, priority, due_date,
                                      status, sync_state, next_attempt_at, created_at, updated_at)
            VALUES (@Id, @PostmortemId, @IncidentId, @ItemKey, @Position, @Marker, @Description, @Type, @Owner, @Priority, @DueDate,
                    @Status, @SyncState, @NowMs, @NowMs, @NowMs)
            """,
            new
            {
                item.Id, item.PostmortemId, item.IncidentId, item.ItemKey, item.Position, item.Marker, item.Description, item.Type, item.Owner,
                item.Priority, item.DueDate, item.Status, item.SyncState, NowMs = nowMs,
            },
            tx);

    /// <summary>Writes an item's content and sync state as re-posted (never its tracker link or lease).</summary>
    public static Task UpdateContentAsync(DbTransaction tx, ActionItemRow item, long nowMs) =>
        Connection(tx).ExecuteAsync(
            """
            UPDATE action_items SET position = @Position, description = @Description, type = @Type, owner = @Owner, priority = @Priority,
                   due_date = @DueDate, status = @Status, removed_at = @RemovedAt, sync_state = @SyncState, needs_update = @NeedsUpdate,
                   next_attempt_at = CASE WHEN @SyncState = 'pending' THEN @NowMs ELSE next_attempt_at END, updated_at = @NowMs
            WHERE id = @Id
            """,
            new
            {
                item.Id, item.Position, item.Description, item.Type, item.Owner, item.Priority, item.DueDate, item.Status, item.RemovedAt,
                item.SyncState, item.NeedsUpdate, NowMs = nowMs,
            },
            tx);

    /// <summary>
    /// Leases due items (pending, or rejected ones whose retry time came) to <paramref name="owner"/>. An item without an
    /// issue is marked <c>uncertain</c> in the same statement, before any create is sent: if we crash between the
    /// tracker's answer and our commit, the next attempt knows to search for the marker. Returns the rows as they were.
    /// Replicas claiming at once take disjoint items: the selection locks what it picks and skips what another claim
    /// has locked (<see cref="IDatabase.SkipLocked"/>), and each update checks the lease again.
    /// </summary>
    public async Task<IReadOnlyList<ActionItemRow>> ClaimDueAsync(string owner, long nowMs, long leaseUntilMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var due = (await connection.QueryAsync<ActionItemRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM action_items
            WHERE sync_state IN ('pending', 'rejected') AND next_attempt_at <= @NowMs AND (lease_until IS NULL OR lease_until <= @NowMs)
            ORDER BY next_attempt_at, seq LIMIT @Limit {database.SkipLocked}
            """,
            new { NowMs = nowMs, Limit = limit },
            tx,
            cancellationToken: cancellationToken))).ToList();
        var claimed = new List<ActionItemRow>(due.Count);
        foreach (var item in due)
        {
            var taken = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE action_items SET lease_owner = @Owner, lease_until = @LeaseUntilMs, attempts = attempts + 1,
                       uncertain = CASE WHEN tracker_key IS NULL THEN 1 ELSE uncertain END
                WHERE id = @Id AND (lease_until IS NULL OR lease_until <= @NowMs)
                """,
                new { item.Id, Owner = owner, LeaseUntilMs = leaseUntilMs, NowMs = nowMs },
                tx,
                cancellationToken: cancellationToken));
            if (taken == 1)
            {
                claimed.Add(item);
            }
        }

        await tx.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Hands a claimed item back unsent (the worker is stopping): no lease, and its attempts and <c>uncertain</c> as
    /// before the claim (<paramref name="asClaimed"/> is the row the claim returned), since no create went out for it.
    /// </summary>
    public async Task ReleaseAsync(ActionItemRow asClaimed, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET lease_owner = NULL, lease_until = NULL, attempts = @Attempts, uncertain = @Uncertain
            WHERE id = @Id AND lease_owner = @Owner
            """,
            new { asClaimed.Id, Owner = owner, asClaimed.Attempts, asClaimed.Uncertain },
            cancellationToken: cancellationToken));
    }

    /// <summary>The item now has its issue (created, adopted or updated): synced, nothing uncertain left.</summary>
    public async Task<bool> RecordSyncedAsync(string id, string owner, string tracker, string target, string key, string url, string? trackerStatus, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET tracker = @Tracker, tracker_target = @Target, tracker_key = @Key, tracker_url = @Url,
                   status = COALESCE(@TrackerStatus, status), sync_state = 'synced', needs_update = 0, uncertain = 0, attempts = 0,
                   sync_error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = @NowMs
            WHERE id = @Id AND lease_owner = @Owner
            """,
            new { Id = id, Owner = owner, Tracker = tracker, Target = target, Key = key, Url = url, TrackerStatus = trackerStatus, NowMs = nowMs },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The attempt failed: back to <paramref name="state"/> with the error, retried at <paramref name="retryAtMs"/>.
    /// <paramref name="uncertain"/> stays set when a create may have happened.
    /// </summary>
    public async Task RecordFailureAsync(string id, string owner, string state, string error, bool uncertain, long retryAtMs, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET sync_state = @State, sync_error = @Error, uncertain = @Uncertain, next_attempt_at = @RetryAtMs,
                   lease_owner = NULL, lease_until = NULL, updated_at = @NowMs
            WHERE id = @Id AND lease_owner = @Owner
            """,
            new { Id = id, Owner = owner, State = state, Error = error, Uncertain = uncertain ? 1 : 0, RetryAtMs = retryAtMs, NowMs = nowMs },
            cancellationToken: cancellationToken));
    }

    /// <summary>Items the tracker refused get another try now: configuration may have been fixed since (it changes only with a restart).</summary>
    public async Task<int> RetryRejectedAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE action_items SET next_attempt_at = @NowMs WHERE sync_state = 'rejected'", new { NowMs = nowMs }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ActionItemRow>> ListAsync(string? owner, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ActionItemRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM action_items
            {new SqlFilter().And("removed_at IS NULL").And(owner is not null, "owner = @Owner").And(status is not null, "status = @Status")}
            ORDER BY due_date IS NULL, due_date, seq
            """,
            new { Owner = owner, Status = status },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyList<ActionItemRow>> ForPostmortemAsync(string postmortemId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ActionItemRow>(new CommandDefinition(
            $"SELECT {Columns} FROM action_items WHERE postmortem_id = @PostmortemId ORDER BY position, seq",
            new { PostmortemId = postmortemId },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM action_items WHERE sync_state IN ('pending', 'rejected')", cancellationToken: cancellationToken));
    }

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
}
