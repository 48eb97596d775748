namespace IncidentBridge.ActionItems;

/// <summary>
/// The <c>action_items</c> table: items, their outbox state and their follow-up flags; every statement that reads or
/// writes it is here. Claims are leases, like the inbox's, so replicas share the work. Methods named <c>…InAsync</c> run
/// in the caller's transaction; the others open a connection of their own.
/// </summary>
internal sealed class ActionItemStore(IDatabase database)
{
    public const string Columns = """
        seq AS Seq, id AS Id, postmortem_id AS PostmortemId, incident_id AS IncidentId, item_key AS ItemKey, position AS Position,
        marker AS Marker, description AS Description, type AS Type, owner AS Owner, priority AS Priority, due_date AS DueDate,
        status AS Status, removed_at AS RemovedAt, tracker AS Tracker, tracker_target AS TrackerTarget, tracker_key AS TrackerKey,
        tracker_url AS TrackerUrl, sync_state AS SyncState, revision AS Revision, synced_revision AS SyncedRevision,
        in_doubt_since AS InDoubtSince, status_pending AS StatusPending, adopt_key AS AdoptKey, due_date_source AS DueDateSource,
        overdue_flagged_at AS OverdueFlaggedAt, escalated_at AS EscalatedAt, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, sync_error AS SyncError, posted_owner AS PostedOwner, posted_due_date AS PostedDueDate,
        tracker_updated_at AS TrackerUpdatedAt
        """;

    public static async Task<IReadOnlyList<ActionItemRow>> ForPostmortemInAsync(DbTransaction tx, string postmortemId) =>
        (await Connection(tx).QueryAsync<ActionItemRow>(
            $"SELECT {Columns} FROM action_items WHERE postmortem_id = @PostmortemId ORDER BY position, seq", new { PostmortemId = postmortemId }, tx)).ToList();

    public static Task InsertInAsync(DbTransaction tx, ActionItemRow item, long nowMs) =>
        Connection(tx).ExecuteAsync(
            """
            INSERT INTO action_items (id, postmortem_id, incident_id, item_key, position, marker, description, type, owner, priority, due_date,
                                      status, sync_state, adopt_key, due_date_source, posted_owner, posted_due_date, next_attempt_at, created_at, updated_at)
            VALUES (@Id, @PostmortemId, @IncidentId, @ItemKey, @Position, @Marker, @Description, @Type, @Owner, @Priority, @DueDate,
                    @Status, @SyncState, @AdoptKey, @DueDateSource, @Owner, @DueDate, @NowMs, @NowMs, @NowMs)
            """,
            new
            {
                item.Id, item.PostmortemId, item.IncidentId, item.ItemKey, item.Position, item.Marker, item.Description, item.Type, item.Owner,
                item.Priority, item.DueDate, item.Status, item.SyncState, item.AdoptKey, item.DueDateSource, NowMs = nowMs,
            },
            tx);

    /// <summary>
    /// Writes an item's content as re-posted. A content change bumps the revision relative to the stored one (a
    /// dispatcher may be recording an older revision at this moment: it then leaves the item pending). The sync state
    /// moves only between held and pending here (an item whose issue was deleted stays lost); the tracker link, lease and
    /// recorded steps are the dispatcher's. <paramref name="postedOwner"/> and <paramref name="postedDueDate"/> are what
    /// the postmortem says; the item's <c>Owner</c> and <c>DueDate</c> what holds (the tracker's, when it changed them later).
    /// </summary>
    public static Task UpdateContentInAsync(DbTransaction tx, ActionItemRow item, bool contentChanged, bool published, long nowMs, string? postedOwner = null, string? postedDueDate = null) =>
        Connection(tx).ExecuteAsync(
            """
            UPDATE action_items SET position = @Position, description = @Description, type = @Type, owner = @Owner, priority = @Priority,
                   due_date = @DueDate, due_date_source = @DueDateSource, status = @Status, removed_at = @RemovedAt, adopt_key = COALESCE(adopt_key, @AdoptKey),
                   posted_owner = COALESCE(@PostedOwner, posted_owner), posted_due_date = CASE WHEN @PostedOwner IS NULL THEN posted_due_date ELSE @PostedDueDate END,
                   revision = revision + @Bump,
                   sync_state = CASE
                       WHEN sync_state = 'lost' THEN 'lost'
                       WHEN @Published = 0 AND tracker_key IS NULL THEN 'held'
                       WHEN @Published = 1 AND (sync_state = 'held' OR @Bump = 1 OR tracker_key IS NOT NULL AND synced_revision < revision) THEN 'pending'
                       ELSE sync_state END,
                   next_attempt_at = CASE WHEN @Published = 1 AND (sync_state = 'held' OR @Bump = 1 OR tracker_key IS NOT NULL AND synced_revision < revision) THEN @NowMs ELSE next_attempt_at END,
                   updated_at = @NowMs
            WHERE id = @Id
            """,
            new
            {
                item.Id, item.Position, item.Description, item.Type, item.Owner, item.Priority, item.DueDate, item.DueDateSource, item.Status, item.RemovedAt, item.AdoptKey,
                Bump = contentChanged ? 1 : 0, Published = published ? 1 : 0, NowMs = nowMs, PostedOwner = postedOwner, PostedDueDate = postedDueDate,
            },
            tx);

    /// <summary>
    /// Leases due items (pending, or rejected ones whose retry time came) to <paramref name="owner"/>. Replicas claiming
    /// at once take disjoint items: the selection locks what it picks and skips what another claim has locked
    /// (<see cref="IDatabase.SkipLocked"/>), and each update checks the lease again. A claim is the only way to change
    /// <c>lease_owner</c>, so "the lease owner is still me" is the fence every later write of the dispatcher checks.
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
                UPDATE action_items SET lease_owner = @Owner, lease_until = @LeaseUntilMs, attempts = attempts + 1
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

    /// <summary>The item as stored now, read under its lease (content may have changed since the claim).</summary>
    public async Task<ActionItemRow?> FindLeasedAsync(string id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<ActionItemRow>(new CommandDefinition(
            $"SELECT {Columns} FROM action_items WHERE id = @Id AND lease_owner = @Owner", new { Id = id, Owner = owner }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The fence before every tracker call: extends the lease to <paramref name="leaseUntilMs"/> if <paramref name="owner"/>
    /// still holds it. False means another dispatcher took the item over: the caller must not call the tracker.
    /// <paramref name="createSentAtMs"/>, when given, records in the same commit that a create is about to be sent (a crash
    /// from here on leaves the create in doubt).
    /// </summary>
    public async Task<bool> RenewAsync(string id, string owner, long leaseUntilMs, long? createSentAtMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET lease_until = @LeaseUntilMs, in_doubt_since = COALESCE(@CreateSentAt, in_doubt_since)
            WHERE id = @Id AND lease_owner = @Owner
            """,
            new { Id = id, Owner = owner, LeaseUntilMs = leaseUntilMs, CreateSentAt = createSentAtMs },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The item has its issue (created, found by its marker, or adopted): the key is recorded in a commit of its own,
    /// before any later step. <paramref name="writtenRevision"/> is the revision the issue's content came from (0 when
    /// unknown: an update follows); the create's doubt is cleared. The lease is kept for the steps that follow.
    /// </summary>
    public async Task<bool> RecordIssueAsync(string id, string owner, string tracker, string target, TrackerIssue issue, long writtenRevision, bool statusPending, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET tracker = @Tracker, tracker_target = @Target, tracker_key = @Key, tracker_url = @Url, in_doubt_since = NULL,
                   synced_revision = @Written, status_pending = @StatusPending, sync_error = @Note,
                   sync_state = CASE WHEN revision <= @Written AND @StatusPending = 0 THEN 'synced' ELSE 'pending' END,
                   attempts = 0, updated_at = @NowMs
            WHERE id = @Id AND lease_owner = @Owner
            """,
            new { Id = id, Owner = owner, Tracker = tracker, Target = target, issue.Key, issue.Url, issue.Note, Written = writtenRevision, StatusPending = statusPending ? 1 : 0, NowMs = nowMs },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The issue was written with <paramref name="writtenRevision"/>: synced, unless the item changed again meanwhile
    /// or its status is still to be applied (then it stays pending, and the next pass sends what is new). Readings of the
    /// issue from before <paramref name="staleBeforeMs"/> (the tracker's clock) are stale from now on: they show the issue
    /// before this update, and taking them would undo it (docs/ARCHITECTURE.md, "Tracker webhooks").
    /// </summary>
    public async Task<bool> RecordUpdatedAsync(string id, string owner, string key, long writtenRevision, string? note, long? staleBeforeMs, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET synced_revision = CASE WHEN synced_revision > @Written THEN synced_revision ELSE @Written END, sync_error = @Note,
                   in_doubt_since = NULL,
                   sync_state = CASE WHEN revision <= @Written AND status_pending = 0 THEN 'synced' ELSE 'pending' END,
                   tracker_updated_at = CASE WHEN tracker_updated_at IS NULL OR tracker_updated_at < @StaleBefore THEN @StaleBefore ELSE tracker_updated_at END,
                   attempts = 0, updated_at = @NowMs
            WHERE id = @Id AND lease_owner = @Owner AND tracker_key = @Key AND sync_state <> 'lost'
            """,
            new { Id = id, Owner = owner, Key = key, Written = writtenRevision, Note = note, StaleBefore = staleBeforeMs, NowMs = nowMs },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The item's own status is now the issue's: the step is done (if <paramref name="key"/> is still the item's issue).</summary>
    public async Task<bool> RecordStatusAppliedAsync(string id, string owner, string key, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET status_pending = 0, attempts = 0, updated_at = @NowMs, in_doubt_since = NULL,
                   sync_state = CASE WHEN revision <= synced_revision THEN 'synced' ELSE 'pending' END
            WHERE id = @Id AND lease_owner = @Owner AND tracker_key = @Key AND sync_state <> 'lost'
            """,
            new { Id = id, Owner = owner, Key = key, NowMs = nowMs },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The pass over this item is over: the lease ends (only if still ours). A claimed item handed back unsent (the worker
    /// is stopping) also gets back its <paramref name="attempts"/> as they were before the claim.
    /// </summary>
    public async Task EndLeaseAsync(string id, string owner, CancellationToken cancellationToken, long? attempts = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE action_items SET lease_owner = NULL, lease_until = NULL, attempts = COALESCE(@Attempts, attempts) WHERE id = @Id AND lease_owner = @Owner",
            new { Id = id, Owner = owner, Attempts = attempts },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The attempt failed: back to <paramref name="state"/> with the error, retried at <paramref name="retryAtMs"/>, lease
    /// ended. <paramref name="inDoubtSince"/> is what the item's doubt becomes: now, for a write whose outcome is unknown;
    /// what it was before, for a create the tracker refused (nothing was made); otherwise unchanged.
    /// </summary>
    public async Task RecordFailureAsync(string id, string owner, string state, string error, long retryAtMs, long? inDoubtSince, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET sync_state = CASE WHEN sync_state = 'synced' THEN 'pending' WHEN sync_state = 'lost' THEN 'lost' ELSE @State END, sync_error = @Error,
                   next_attempt_at = @RetryAtMs, lease_owner = NULL, lease_until = NULL, updated_at = @NowMs, in_doubt_since = @InDoubtSince
            WHERE id = @Id AND lease_owner = @Owner
            """,
            new { Id = id, Owner = owner, State = state, Error = error, RetryAtMs = retryAtMs, InDoubtSince = inDoubtSince, NowMs = nowMs },
            cancellationToken: cancellationToken));
    }

    /// <summary>Items the tracker refused get another try now: configuration may have been fixed since (it changes only with a restart).</summary>
    public async Task<int> RetryRejectedAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE action_items SET next_attempt_at = @NowMs WHERE sync_state = 'rejected'", new { NowMs = nowMs }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// One page of current items in the order they were taken in, after <paramref name="afterSeq"/>: <paramref name="limit"/>
    /// + 1 are read, so the caller knows whether a next page exists. <paramref name="overdue"/> is decided here, on
    /// <paramref name="today"/> (yyyy-MM-dd), so a page filtered by it is still full.
    /// </summary>
    public async Task<IReadOnlyList<ActionItemRow>> ListAsync(string? owner, string? status, bool? overdue, string today, long? afterSeq, int limit, CancellationToken cancellationToken)
    {
        const string Overdue = "(status NOT IN ('done', 'not-doing') AND due_date IS NOT NULL AND due_date < @Today)";
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ActionItemRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM action_items
            {new SqlFilter().And("removed_at IS NULL").And(owner is not null, "owner = @Owner").And(status is not null, "status = @Status")
                .And(overdue == true, Overdue).And(overdue == false, "NOT " + Overdue).And(afterSeq is not null, "seq > @AfterSeq")}
            ORDER BY seq LIMIT @Take
            """,
            new { Owner = owner, Status = status, Today = today, AfterSeq = afterSeq, Take = limit + 1 },
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

    /// <summary>Every tracker target that holds at least one of our issues, with when its first item was taken in (Unix ms).</summary>
    public async Task<IReadOnlyList<(string Tracker, string Target, long FirstItemAt)>> SyncTargetsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(string, string, long)>(new CommandDefinition(
            """
            SELECT tracker, tracker_target, MIN(created_at) FROM action_items
            WHERE tracker_key IS NOT NULL AND tracker IS NOT NULL AND tracker_target IS NOT NULL
            GROUP BY tracker, tracker_target
            """,
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Our item for a tracker issue: by its marker label first (it survives a move), else by its key in that target.</summary>
    public async Task<ActionItemRow?> ItemForAsync(string tracker, string target, string? marker, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ItemFor(connection, null, tracker, target, marker, key);
    }

    public static Task<ActionItemRow?> ItemForInAsync(DbTransaction tx, string tracker, string target, string? marker, string key) =>
        ItemFor(Connection(tx), tx, tracker, target, marker, key);

    private static Task<ActionItemRow?> ItemFor(DbConnection connection, DbTransaction? tx, string tracker, string target, string? marker, string key) =>
        connection.QueryFirstOrDefaultAsync<ActionItemRow?>(
            $"""
            SELECT {Columns} FROM action_items
            WHERE (@Marker IS NOT NULL AND marker = @Marker) OR (tracker = @Tracker AND tracker_target = @Target AND tracker_key = @Key)
            ORDER BY CASE WHEN marker = @Marker THEN 0 ELSE 1 END LIMIT 1
            """,
            new { Tracker = tracker, Target = target, Marker = marker, Key = key },
            tx);

    /// <summary>
    /// Takes the tracker's reading of an item's issue: its key, link and target (a moved issue has new ones), status, owner
    /// and due date. Only a reading at least as new as the newest taken (<paramref name="trackerUpdatedAtMs"/>, the tracker's
    /// own clock) is written; false when a newer one came first.
    /// </summary>
    public static async Task<bool> ApplyTrackerStateInAsync(DbTransaction tx, string itemId, TrackerState state, long trackerUpdatedAtMs, long nowMs) =>
        await Connection(tx).ExecuteAsync(
            """
            UPDATE action_items SET tracker_key = @Key, tracker_url = @Url, tracker_target = COALESCE(@Target, tracker_target),
                   done_at = CASE WHEN @Status = 'done' THEN COALESCE(done_at, @NowMs) ELSE NULL END,
                   status = @Status, owner = @Owner, due_date = @DueDate, due_date_source = @DueDateSource,
                   tracker_updated_at = @At, updated_at = @NowMs
            WHERE id = @Id AND (tracker_updated_at IS NULL OR tracker_updated_at <= @At)
            """,
            new
            {
                Id = itemId, state.Key, state.Url, state.Target, state.Status, state.Owner, state.DueDate, state.DueDateSource,
                At = trackerUpdatedAtMs, NowMs = nowMs,
            },
            tx) == 1;

    /// <summary>
    /// The item's issue <paramref name="key"/> was deleted in the tracker: the item is <c>lost</c>, shown and reported,
    /// and never given a new issue silently (the dispatcher claims no lost item, and a re-post leaves it lost).
    /// </summary>
    public static async Task<bool> MarkLostInAsync(DbTransaction tx, string itemId, string key, long nowMs) =>
        await Connection(tx).ExecuteAsync(
            """
            UPDATE action_items SET sync_state = 'lost', sync_error = @Error, updated_at = @NowMs
            WHERE id = @Id AND tracker_key = @Key AND sync_state <> 'lost'
            """,
            new { Id = itemId, Key = key, Error = $"Issue {key} was deleted in the tracker; no new issue is made for it.", NowMs = nowMs },
            tx) == 1;

    /// <summary>A webhook told us about the item's issue (Jira's id <paramref name="issueId"/>): the next poll reconciles it.</summary>
    public static Task TouchInAsync(DbTransaction tx, string itemId, long? issueId, long nowMs) =>
        Connection(tx).ExecuteAsync(
            "UPDATE action_items SET tracker_issue_id = COALESCE(@IssueId, tracker_issue_id), tracker_touched_at = @NowMs WHERE id = @Id",
            new { Id = itemId, IssueId = issueId?.ToString(System.Globalization.CultureInfo.InvariantCulture), NowMs = nowMs },
            tx);

    /// <summary>Jira issue ids of <paramref name="target"/> that webhooks told us about since <paramref name="sinceMs"/>, newest first.</summary>
    public async Task<IReadOnlyList<long>> TouchedIssueIdsAsync(string tracker, string target, long sinceMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT tracker_issue_id FROM action_items
            WHERE tracker = @Tracker AND tracker_target = @Target AND tracker_issue_id IS NOT NULL AND tracker_touched_at >= @SinceMs
            ORDER BY tracker_touched_at DESC LIMIT @Limit
            """,
            new { Tracker = tracker, Target = target, SinceMs = sinceMs, Limit = limit },
            cancellationToken: cancellationToken));
        return [.. ids.Select(id => long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : (long?)null).OfType<long>()];
    }

    /// <summary>
    /// The item's issue is now <paramref name="key"/> (the oldest of several carrying its marker). Its revision is bumped and
    /// its own status queued, so the dispatcher puts the item's text and status on that issue; a dispatcher recording a step
    /// on the old issue at this moment leaves the item pending (its record is fenced by the key).
    /// </summary>
    public async Task FollowKeptIssueAsync(string itemId, string key, string url, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE action_items SET tracker_key = @Key, tracker_url = @Url, revision = revision + 1,
                   status_pending = CASE WHEN status IN ('in-progress', 'done') THEN 1 ELSE 0 END,
                   sync_state = 'pending', next_attempt_at = @NowMs, updated_at = @NowMs
            WHERE id = @Id
            """,
            new { Id = itemId, Key = key, Url = url, NowMs = nowMs },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Items of published postmortems still open (not done, not-doing, not removed) and past their due date on
    /// <paramref name="today"/> (yyyy-MM-dd): all of them, flagged or not, for flagging and escalation.
    /// </summary>
    public async Task<IReadOnlyList<ActionItemRow>> OpenPastDueAsync(string today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ActionItemRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM action_items
            WHERE status NOT IN ('done', 'not-doing') AND removed_at IS NULL AND due_date IS NOT NULL AND due_date < @Today
              AND sync_state <> 'held' AND (overdue_flagged_at IS NULL OR escalated_at IS NULL)
            ORDER BY due_date, seq
            """,
            new { Today = today },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Items of a postmortem with an issue, past due and not yet flagged overdue (its week-4 review waits for them).</summary>
    public async Task<long> CountUnflaggedPastDueAsync(string postmortemId, string today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM action_items
            WHERE postmortem_id = @Id AND status NOT IN ('done', 'not-doing') AND removed_at IS NULL AND due_date IS NOT NULL AND due_date < @Today
              AND overdue_flagged_at IS NULL AND tracker_key IS NOT NULL
            """,
            new { Id = postmortemId, Today = today },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records an overdue notice as done, once: the flag (<see cref="OverdueNotice.Flag"/>) or the escalation to the owner's
    /// lead. <paramref name="error"/> is what kept it off the item's issue, if anything.
    /// </summary>
    public async Task MarkNoticedAsync(string itemId, OverdueNotice notice, long nowMs, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            notice == OverdueNotice.Flag
                ? "UPDATE action_items SET overdue_flagged_at = @NowMs, overdue_flag_error = @Error WHERE id = @Id AND overdue_flagged_at IS NULL"
                : "UPDATE action_items SET escalated_at = @NowMs, escalation_error = @Error WHERE id = @Id AND escalated_at IS NULL",
            new { Id = itemId, NowMs = nowMs, Error = error },
            cancellationToken: cancellationToken));
    }

    /// <summary>Every action item past its due date on <paramref name="today"/> (yyyy-MM-dd) and not done, with its incident's title.</summary>
    public async Task<IReadOnlyList<(ActionItemRow Item, string IncidentTitle, string? RelatedIncidentId)>> OverdueAsync(string today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ActionItemRow, string, string?, (ActionItemRow, string, string?)>(new CommandDefinition(
            $"""
            SELECT {Columns},
                   (SELECT title FROM incidents WHERE id = action_items.incident_id) AS IncidentTitle,
                   (SELECT related_incident_id FROM incidents WHERE id = action_items.incident_id) AS RelatedIncidentId
            FROM action_items
            WHERE status NOT IN ('done', 'not-doing') AND removed_at IS NULL AND due_date IS NOT NULL AND due_date < @Today
            ORDER BY owner, due_date
            """,
            new { Today = today },
            cancellationToken: cancellationToken),
            (item, title, related) => (item, title, related),
            splitOn: "IncidentTitle,RelatedIncidentId");
        return rows.ToList();
    }

    /// <summary>The item is known by a new key from now on (ids given later to items that had none); its marker stays.</summary>
    public static Task RekeyInAsync(DbTransaction tx, string id, string key, long nowMs) =>
        Connection(tx).ExecuteAsync("UPDATE action_items SET item_key = @Key, updated_at = @NowMs WHERE id = @Id", new { Id = id, Key = key, NowMs = nowMs }, tx);

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");

    /// <summary>
    /// Open items (not done, not-doing, not removed) due from <paramref name="from"/> to <paramref name="to"/> (yyyy-MM-dd,
    /// both included), with their incident's title, soonest first: the digest's "due soon" candidates, before each
    /// item's own priority window is applied.
    /// </summary>
    public async Task<IReadOnlyList<(ActionItemRow Item, string IncidentTitle)>> OpenDueBetweenAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ActionItemRow, string, (ActionItemRow, string)>(new CommandDefinition(
            $"""
            SELECT {Columns}, (SELECT title FROM incidents WHERE id = action_items.incident_id) AS IncidentTitle
            FROM action_items
            WHERE status NOT IN ('done', 'not-doing') AND removed_at IS NULL AND due_date IS NOT NULL AND due_date >= @From AND due_date <= @To
            ORDER BY due_date, seq
            """,
            new { From = from, To = to },
            cancellationToken: cancellationToken),
            (item, title) => (item, title),
            splitOn: "IncidentTitle");
        return rows.ToList();
    }
}
