using IncidentBridge.Storage.Sqlite;

namespace IncidentBridge.Inbox;

/// <summary>
/// <c>deliveries</c>: the inbox's SQL, portable to SQLite and PostgreSQL; times are Unix milliseconds. The tables are in
/// the <see cref="InboxDatabase"/> (on SQLite a file of its own), except the processed marks, which are in the main
/// database with the work they stand for. The writer and the processor write through the <c>…InAsync(tx, …)</c> methods,
/// in their own transactions; the claim, the scrape-time counts and the API open connections of their own
/// (docs/ARCHITECTURE.md, Storage).
/// </summary>
internal sealed class InboxStore(InboxDatabase inbox, IDatabase main)
{
    private readonly IDatabase _database = inbox.Database;

    private const string RowColumns = """
        seq AS Seq, id AS DeliveryId, source AS Source, state AS State, received_at AS ReceivedAt, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, processed_at AS ProcessedAt, event_id AS EventId, last_error AS LastError
        """;

    /// <summary>Inserts a delivery, or finds the one it repeats (same PagerDuty event id or webhook id).</summary>
    public static async Task<StoredDelivery> InsertInAsync(DbTransaction tx, string id, IncomingDelivery delivery, long nowMs)
    {
        var inserted = await CachedStatements.QueryFirstOrDefaultAsync<long?>(
            tx,
            """
            INSERT INTO deliveries (id, source, event_id, webhook_id, event_type, received_at, content_type, state, attempts, next_attempt_at, shard, order_hash, lane)
            VALUES (@Id, @Source, @EventId, @WebhookId, @EventType, @NowMs, @ContentType, 'pending', 0, @NowMs, @Shard, @OrderHash, @Lane)
            ON CONFLICT DO NOTHING
            RETURNING seq
            """,
            ("@Id", id),
            ("@Source", delivery.Source),
            ("@EventId", delivery.EventId),
            ("@WebhookId", delivery.WebhookId),
            ("@EventType", delivery.EventType),
            ("@NowMs", nowMs),
            ("@ContentType", delivery.ContentType),
            ("@Shard", delivery.Shard),
            ("@OrderHash", delivery.OrderHash),
            ("@Lane", delivery.LaneHash));
        if (inserted is { } seq)
        {
            await CachedStatements.ExecuteAsync(tx, "INSERT INTO delivery_bodies (seq, body) VALUES (@Seq, @Body)", ("@Seq", seq), ("@Body", delivery.Body));
            return new StoredDelivery(id, Duplicate: false);
        }

        var existing = await Connection(tx).QuerySingleAsync<string>(
            "SELECT id FROM deliveries WHERE source = @Source AND (event_id = @EventId OR webhook_id = @WebhookId) ORDER BY seq LIMIT 1",
            new { delivery.Source, delivery.EventId, delivery.WebhookId },
            tx);
        return new StoredDelivery(existing, Duplicate: true);
    }

    /// <summary>
    /// How many shards the inbox is spread over (<see cref="IncomingDelivery.Shard"/>): a delivery that fails holds back
    /// the later ones of its shard in its batch. Stored with each delivery; rows stored before order hashes keep the order
    /// of their shard.
    /// </summary>
    public const int Shards = 64;

    /// <summary>
    /// The lanes with pending deliveries, one index look-up each (a loose scan of <c>ix_deliveries_lane</c>: the lanes are
    /// few, their deliveries many). SQLite's planner, without statistics, would read every pending row through the state
    /// index instead.
    /// </summary>
    private readonly string _lanes = $"""
        WITH RECURSIVE lanes(lane) AS (
            SELECT MIN(lane) FROM {PendingByLane(inbox.Database)} WHERE state = 'pending'
            UNION ALL
            SELECT (SELECT MIN(lane) FROM {PendingByLane(inbox.Database)} WHERE state = 'pending' AND lane > lanes.lane) FROM lanes WHERE lanes.lane IS NOT NULL)
        """;

    private static string PendingByLane(IDatabase database) =>
        database.Provider == StorageProvider.Sqlite ? "deliveries INDEXED BY ix_deliveries_lane" : "deliveries";

    /// <summary>
    /// Leases due deliveries to <paramref name="owner"/>, up to <paramref name="limit"/>, taking turns between lanes
    /// (<see cref="IncomingDelivery.Lane"/>) and oldest first in each, and keeping each order key in order: a delivery is
    /// taken only with every pending delivery of its order hash stored before it (and, for rows stored before order
    /// hashes, of its shard). So a delivery waiting for its retry, or leased to another claim (a claim sets the next
    /// attempt to the lease's end), holds back the later ones of its key until it is processed or dead-lettered, and no
    /// other; and replicas claiming one after the other take different keys of a backlog. The attempt is counted at
    /// claim time, so a payload that crashes the process still reaches the dead letters. Safe with replicas claiming at
    /// once: claims take turns (<see cref="ClaimTurn"/>), and the update checks the lease again, on the row as
    /// committed, before it takes it.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string owner, long nowMs, long leaseUntilMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var leased = await LeaseDueAsync(connection, owner, nowMs, leaseUntilMs, limit, cancellationToken);
        if (leased.Count == 0)
        {
            return [];
        }

        // Read after the lease's commit, outside the write turn, so that the group commits waiting for the turn do not wait
        // for a claim's bodies (~650 KB for 100 Alertmanager notifications): a body never changes, and retention deletes
        // only done deliveries'.
        var bodies = (await connection.QueryAsync<(long Seq, byte[] Body)>(new CommandDefinition(
            $"SELECT seq, body FROM delivery_bodies WHERE seq {_database.IsAnyOf("@Seqs")}",
            new { Seqs = leased.Select(d => d.Seq).ToArray() },
            cancellationToken: cancellationToken))).ToDictionary(b => b.Seq, b => b.Body);
        return [.. leased.OrderBy(d => d.Seq).Select(d => new ClaimedDelivery(d.Seq, d.Id, d.Source, d.ReceivedAt, bodies[d.Seq], d.Attempts, d.EventType, d.Shard))];
    }

    private async Task<IReadOnlyList<Leased>> LeaseDueAsync(DbConnection connection, string owner, long nowMs, long leaseUntilMs, int limit, CancellationToken cancellationToken)
    {
        using var turn = await _database.WaitWriteTurnAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await _database.LockInAsync(transaction, [ClaimTurn]);
        var lanes = (await connection.QueryAsync<long>(new CommandDefinition(
            $"{_lanes} SELECT lane FROM lanes WHERE lane IS NOT NULL", transaction: transaction, cancellationToken: cancellationToken))).ToList();
        if (lanes.Count == 0)
        {
            return [];
        }

        // Each lane offers its oldest due deliveries, with the pending deliveries of their keys just before them; a lane
        // offers up to the whole claim while there are few (a storm and a trickle), a share of it when there are many.
        // PostgreSQL joins the lanes laterally (given an IN of a correlated subquery it read the whole inbox, for seconds);
        // SQLite has no LATERAL, and runs the IN once per lane.
        var perLane = lanes.Count <= 2 ? limit : Math.Max(2 * limit / lanes.Count, 4);
        var due = "c.state = 'pending' AND c.lane = lanes.lane AND c.next_attempt_at <= @NowMs AND (c.lease_until IS NULL OR c.lease_until <= @NowMs)";
        var (lanesCte, offers) = _database.Provider == StorageProvider.Postgres
            ? ("", $"unnest(@Lanes) AS lanes(lane) CROSS JOIN LATERAL (SELECT c.seq, c.lane, c.order_hash, c.shard FROM deliveries c WHERE {due} ORDER BY c.seq LIMIT @PerLane) d")
            : (_lanes, $"lanes JOIN deliveries d ON lanes.lane IS NOT NULL AND d.seq IN (SELECT c.seq FROM deliveries c WHERE {due} ORDER BY c.seq LIMIT @PerLane)");
        var offered = await connection.QueryAsync<Offered>(new CommandDefinition(
            $"""
            {lanesCte}
            SELECT d.seq AS Seq, d.lane AS Lane,
                (SELECT MAX(e.seq) FROM deliveries e WHERE e.state = 'pending' AND e.order_hash = d.order_hash AND e.seq < d.seq) AS Before,
                (SELECT MAX(e.seq) FROM deliveries e WHERE e.state = 'pending' AND e.order_hash IS NULL AND e.shard = d.shard AND e.seq < d.seq) AS BeforeUnhashed
            FROM {offers}
            """,
            new { NowMs = nowMs, PerLane = perLane, Lanes = lanes.ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        var taken = TakeTurns(offered, limit);
        if (taken.Count == 0)
        {
            return [];
        }

        var leased = (await connection.QueryAsync<Leased>(new CommandDefinition(
            $"""
            UPDATE deliveries SET lease_owner = @Owner, lease_until = @LeaseUntilMs, next_attempt_at = @LeaseUntilMs, attempts = attempts + 1
            WHERE seq {_database.IsAnyOf("@Taken")} AND state = 'pending' AND (lease_until IS NULL OR lease_until <= @NowMs)
            RETURNING seq AS Seq, id AS Id, source AS Source, received_at AS ReceivedAt, attempts AS Attempts, event_type AS EventType, shard AS Shard
            """,
            new { Owner = owner, NowMs = nowMs, LeaseUntilMs = leaseUntilMs, Taken = taken },
            transaction,
            cancellationToken: cancellationToken))).ToList();
        await transaction.CommitAsync(cancellationToken);
        return leased;
    }

    /// <summary>A delivery as leased, before its body is read.</summary>
    private sealed record Leased(long Seq, string Id, string Source, long ReceivedAt, long Attempts, string? EventType, long Shard);

    /// <summary>
    /// Takes offered deliveries one lane after the other, the lane with the oldest first, until <paramref name="limit"/>:
    /// each only if every pending delivery of its key before it is taken too.
    /// </summary>
    internal static List<long> TakeTurns(IEnumerable<Offered> offered, int limit)
    {
        var lanes = offered.GroupBy(o => o.Lane).Select(lane => lane.OrderBy(o => o.Seq).ToList()).OrderBy(lane => lane[0].Seq).ToList();
        var taken = new HashSet<long>();
        var order = new List<long>();
        for (var turn = 0; order.Count < limit && lanes.Any(lane => turn < lane.Count); turn++)
        {
            foreach (var lane in lanes)
            {
                if (turn < lane.Count && order.Count < limit && lane[turn] is var o
                    && (o.Before is not { } before || taken.Contains(before))
                    && (o.BeforeUnhashed is not { } beforeUnhashed || taken.Contains(beforeUnhashed)))
                {
                    taken.Add(o.Seq);
                    order.Add(o.Seq);
                }
            }
        }

        return order;
    }

    /// <summary>A due delivery a lane offers a claim, with the pending deliveries that must be taken before it.</summary>
    internal sealed record Offered(long Seq, long Lane, long? Before, long? BeforeUnhashed)
    {
        // Dapper sets the properties: SQLite types a column by its first row's value, and a NULL there is no long?.
        public Offered()
            : this(0, 0, null, null)
        {
        }
    }

    /// <summary>The lock claims take turns under: two claims choosing at once could both choose one delivery.</summary>
    internal const string ClaimTurn = "inbox-claim";

    /// <summary>Marks a claimed delivery done; false when the lease was lost to another worker.</summary>
    public static async Task<bool> CompleteInAsync(DbTransaction tx, long seq, string owner, long nowMs) =>
        await CachedStatements.ExecuteAsync(
            tx,
            """
            UPDATE deliveries SET state = 'done', processed_at = @NowMs, lease_owner = NULL, lease_until = NULL, last_error = NULL
            WHERE seq = @Seq AND lease_owner = @Owner
            """,
            ("@NowMs", nowMs),
            ("@Seq", seq),
            ("@Owner", owner)) == 1;

    /// <summary>
    /// Marks, in the processing's own transaction of the main database, that <paramref name="deliveryId"/> has been
    /// processed; false when an earlier attempt already did (its commit held, its done mark in the inbox file did not),
    /// and then nothing is to be done again. Only where the inbox has a file of its own (<see cref="InboxDatabase.OwnFile"/>).
    /// </summary>
    public static async Task<bool> MarkProcessedInAsync(DbTransaction mainTx, string deliveryId, long nowMs) =>
        await CachedStatements.ExecuteAsync(
            mainTx,
            "INSERT INTO processed_deliveries (delivery_id, processed_at) VALUES (@Id, @NowMs) ON CONFLICT DO NOTHING",
            ("@Id", deliveryId),
            ("@NowMs", nowMs)) == 1;

    /// <summary>
    /// Forgets the processed marks (<see cref="MarkProcessedInAsync"/>) among the next <paramref name="limit"/> after
    /// <paramref name="after"/> (a delivery id; null: from the first) that were made before <paramref name="beforeMs"/>
    /// and whose delivery the inbox has marked done (or deleted, which it does to done ones only), once those done marks
    /// are on disk. A mark whose delivery is still pending stays: that delivery's next attempt needs it. Returns how many
    /// marks it went past and forgot, and the last one it went past, where the next call goes on.
    /// </summary>
    public async Task<(int Examined, int Forgotten, string? Last)> ForgetProcessedMarksAsync(long beforeMs, string? after, int limit, CancellationToken cancellationToken)
    {
        if (!inbox.OwnFile)
        {
            return (0, 0, null);
        }

        after ??= "";
        // A range of the marks' key, the delivery id, as both files order it; the marks of the range whose delivery is
        // not done (a lost done mark: few) are kept. Lanes let newer deliveries pass a backlog, so a range can span
        // thousands of pending deliveries. Both are found in SQL, the inbox file attached to this connection for the
        // read: with the range's marks and its pending deliveries read into lists, the minute's walk over a storm's
        // ~100,000 marks made ~20-80 MiB of garbage that outlived young collections (bench/RESULTS.md, §5: the resident
        // set climbed for the walk's 10 s, then fell at once, every minute).
        await using var connection = await main.OpenAsync(cancellationToken);
        var (examined, last) = await connection.QuerySingleAsync<(long Count, string? Last)>(new CommandDefinition(
            "SELECT COUNT(*), MAX(delivery_id) FROM (SELECT delivery_id FROM processed_deliveries WHERE delivery_id > @After ORDER BY delivery_id LIMIT @Limit)",
            new { After = after, Limit = limit },
            cancellationToken: cancellationToken));
        if (last is null)
        {
            return (0, 0, after);
        }

        List<string> notDone;
        await using (await ((SqliteDatabase)_database).AttachToAsync(connection, "inbox", cancellationToken))
        {
            notDone = (await connection.QueryAsync<string>(new CommandDefinition(
                $"""
                SELECT p.delivery_id FROM processed_deliveries p JOIN inbox.deliveries d ON d.id = p.delivery_id
                WHERE p.delivery_id > @After AND p.delivery_id <= @Last AND d.state <> '{DeliveryState.Done}'
                """,
                new { After = after, Last = last },
                cancellationToken: cancellationToken))).AsList();
        }

        // The done marks seen above were committed without waiting for the disk (the processor's work is replayable): a
        // power cut could still take them back, and with the processed mark gone the delivery would be processed twice.
        // Synced after they were read, they are on disk; a mark made since is newer than beforeMs and stays.
        await _database.SyncCommitsAsync(cancellationToken);
        using var turn = await main.WaitWriteTurnAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var forgotten = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            DELETE FROM processed_deliveries WHERE delivery_id > @After AND delivery_id <= @Last AND processed_at < @BeforeMs
            {(notDone.Count == 0 ? "" : $"AND NOT (delivery_id {main.IsAnyOf("@NotDone")})")}
            """,
            new { After = after, Last = last, BeforeMs = beforeMs, NotDone = notDone },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return ((int)examined, forgotten, last);
    }

    /// <summary>
    /// Gives a claimed delivery back unattempted, due at once, behind an earlier delivery of its shard that failed or was
    /// lost in this batch: that one waits, and with it the shard, so this one is claimed again only after it.
    /// </summary>
    public static async Task DeferInAsync(DbTransaction tx, long seq, string owner, long nowMs) =>
        await CachedStatements.ExecuteAsync(
            tx,
            "UPDATE deliveries SET lease_owner = NULL, lease_until = NULL, next_attempt_at = @NowMs, attempts = attempts - 1 WHERE seq = @Seq AND lease_owner = @Owner",
            ("@NowMs", nowMs),
            ("@Seq", seq),
            ("@Owner", owner));

    /// <summary>Records a failed attempt: retried at <paramref name="nextAttemptMs"/>, or dead after <paramref name="maxAttempts"/>.</summary>
    public static async Task<string> FailInAsync(DbTransaction tx, long seq, string owner, string error, long nextAttemptMs, int maxAttempts) =>
        await Connection(tx).QuerySingleOrDefaultAsync<string>(
            """
            UPDATE deliveries
            SET state = CASE WHEN attempts >= @MaxAttempts THEN 'dead' ELSE 'pending' END,
                next_attempt_at = @NextAttemptMs, last_error = @Error, lease_owner = NULL, lease_until = NULL
            WHERE seq = @Seq AND lease_owner = @Owner
            RETURNING state
            """,
            new { Seq = seq, Owner = owner, Error = error, NextAttemptMs = nextAttemptMs, MaxAttempts = maxAttempts },
            tx) ?? DeliveryState.Pending;

    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            "SELECT state, COUNT(*) FROM deliveries WHERE state IN ('pending', 'dead') GROUP BY state", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.State, r => r.Count);
    }

    public async Task<long?> OldestPendingReceivedAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(received_at) FROM deliveries WHERE state = 'pending'", cancellationToken: cancellationToken));
    }

    /// <summary>Newest first; <paramref name="beforeSeq"/> is the paging cursor.</summary>
    public async Task<IReadOnlyList<DeliveryRow>> ListAsync(string? state, string? source, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {RowColumns} FROM deliveries {new SqlFilter().And(state is not null, "state = @State").And(source is not null, "source = @Source").And(beforeSeq is not null, "seq < @BeforeSeq")} ORDER BY seq DESC LIMIT @Limit",
            new { State = state, Source = source, BeforeSeq = beforeSeq, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<DeliveryRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {RowColumns} FROM deliveries WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task<byte[]?> GetBodyAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "SELECT b.body FROM deliveries d JOIN delivery_bodies b ON b.seq = d.seq WHERE d.id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Puts a dead delivery back in line with a fresh set of attempts (after the cause is fixed); returns it as put back
    /// (a processor may claim it the next moment), or null when there is no dead delivery of that id.
    /// </summary>
    public async Task<DeliveryRow?> RequeueAsync(string id, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = @NowMs WHERE id = @Id AND state = 'dead' RETURNING {RowColumns}",
            new { Id = id, NowMs = nowMs },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> deliveries processed (done) before <paramref name="cutoffMs"/>, oldest first,
    /// in one short transaction; returns how many. Pending and dead deliveries are never deleted here.
    /// </summary>
    public async Task<int> DeleteProcessedBeforeAsync(long cutoffMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var turn = await _database.WaitWriteTurnAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var seqs = (await connection.QueryAsync<long>(new CommandDefinition(
            $"""
            DELETE FROM deliveries WHERE seq IN (
                SELECT seq FROM deliveries WHERE state = '{DeliveryState.Done}' AND processed_at < @CutoffMs ORDER BY processed_at LIMIT @Limit)
              AND state = '{DeliveryState.Done}'
            RETURNING seq
            """,
            new { CutoffMs = cutoffMs, Limit = limit },
            transaction,
            cancellationToken: cancellationToken))).ToList();
        if (seqs.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM delivery_bodies WHERE seq {_database.IsAnyOf("@Seqs")}", new { Seqs = seqs }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return seqs.Count;
    }

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
}

/// <summary>The values of <c>deliveries.state</c>, as the API filters and shows them.</summary>
internal static class DeliveryState
{
    public const string Pending = "pending";
    public const string Done = "done";

    /// <summary>Kept after <c>Inbox:MaxAttempts</c> failures: counted, listed, retried on request, never deleted.</summary>
    public const string Dead = "dead";

    public static bool IsKnown(string state) => state is Pending or Done or Dead;
}

/// <summary>A delivery as stored (times in Unix milliseconds).</summary>
internal sealed record DeliveryRow(
    long Seq,
    string DeliveryId,
    string Source,
    string State,
    long ReceivedAt,
    long Attempts,
    long NextAttemptAt,
    long? ProcessedAt,
    string? EventId,
    string? LastError)
{
    public DeliverySummary ToSummary() => new(
        DeliveryId,
        Source,
        State,
        Time.Of(ReceivedAt),
        Attempts,
        State == DeliveryState.Pending ? Time.Of(NextAttemptAt) : null,
        Time.OfNullable(ProcessedAt),
        EventId,
        LastError);
}
