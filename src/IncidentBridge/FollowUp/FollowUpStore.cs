using IncidentBridge.Postmortems;

namespace IncidentBridge.FollowUp;

/// <summary>The follow-up jobs' own tables: sync watermarks, the week-4 review on postmortems, digest sends; and the follow-up figures' query. Action items are <see cref="ActionItemStore"/>'s.</summary>
internal sealed class FollowUpStore(IDatabase database)
{
    public async Task<long?> SyncedFromAsync(string tracker, string target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT synced_from FROM tracker_sync WHERE tracker = @Tracker AND target = @Target", new { Tracker = tracker, Target = target }, cancellationToken: cancellationToken));
    }

    public async Task SetSyncedFromAsync(string tracker, string target, long fromMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO tracker_sync (tracker, target, synced_from) VALUES (@Tracker, @Target, @FromMs)
            ON CONFLICT (tracker, target) DO UPDATE SET synced_from = excluded.synced_from
            """,
            new { Tracker = tracker, Target = target, FromMs = fromMs },
            cancellationToken: cancellationToken));
    }

    /// <summary>Published postmortems whose week-4 review is due (published at or before <paramref name="cutoffMs"/>, not reviewed).</summary>
    public async Task<IReadOnlyList<PostmortemRow>> DueForReviewAsync(long cutoffMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<PostmortemRow>(new CommandDefinition(
            """
            SELECT seq AS Seq, id AS Id, incident_id AS IncidentId, title AS Title, status AS Status, severity AS Severity, date AS Date,
                   published_at AS PublishedAt, format AS Format, document AS Document, created_at AS CreatedAt, updated_at AS UpdatedAt
            FROM postmortems WHERE status = 'published' AND published_at <= @CutoffMs AND reviewed_at IS NULL ORDER BY published_at
            """,
            new { CutoffMs = cutoffMs },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task SetReviewedAsync(string postmortemId, long nowMs, string review, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE postmortems SET reviewed_at = @NowMs, review = @Review WHERE id = @Id",
            new { Id = postmortemId, NowMs = nowMs, Review = review },
            cancellationToken: cancellationToken));
    }

    /// <summary>Incidents that repeat one of <paramref name="incidentIds"/> (their <c>related_incident_id</c>), newest first.</summary>
    public async Task<IReadOnlyList<(string IncidentId, string Title, string RelatedIncidentId)>> RepeatsOfAsync(IReadOnlyCollection<string> incidentIds, CancellationToken cancellationToken)
    {
        if (incidentIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(string, string, string)>(new CommandDefinition(
            $"SELECT id, title, related_incident_id FROM incidents WHERE related_incident_id {database.IsAnyOf("@Ids")} ORDER BY seq DESC",
            new { Ids = incidentIds.ToArray() },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Every current action item with what the follow-up figures group by; <paramref name="fromMs"/>/<paramref name="toMs"/> limit it to incidents started then.</summary>
    public async Task<IReadOnlyList<FollowUpRow>> FollowUpRowsAsync(long? fromMs, long? toMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<FollowUpRow>(new CommandDefinition(
            """
            SELECT a.owner AS Owner, a.priority AS Priority, a.status AS Status, a.due_date AS DueDate, i.labels AS IncidentLabels,
                   a.created_at AS CreatedAt, a.done_at AS DoneAt, p.published_at AS PublishedAt
            FROM action_items a JOIN incidents i ON i.id = a.incident_id JOIN postmortems p ON p.id = a.postmortem_id
            WHERE a.removed_at IS NULL AND (@FromMs IS NULL OR i.started_at >= @FromMs) AND (@ToMs IS NULL OR i.started_at < @ToMs)
            """,
            new { FromMs = fromMs, ToMs = toMs },
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// The follow-up gauges of <c>/metrics</c>, counted by the database (GROUP BY), so a scrape costs a few aggregate
    /// queries whatever the number of items, and carries only bounded labels (team, priority). The figures per owner
    /// are the report API's (<see cref="FollowUpRowsAsync"/>). Counts as <see cref="FollowUpFigures.Compute"/> does:
    /// not-doing items left out, "open" is not done (overdue included).
    /// </summary>
    public async Task<FollowUpGauges> FollowUpGaugesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string current = $"""
            FROM action_items a JOIN incidents i ON i.id = a.incident_id JOIN postmortems p ON p.id = a.postmortem_id
            WHERE a.removed_at IS NULL AND a.status <> '{ActionItemStatus.NotDoing}'
            """;
        var team = $"COALESCE(NULLIF({database.JsonText("i.labels", "team")}, ''), '{FollowUpFigures.NoTeam}')";
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var byTeam = await connection.QueryAsync<(string Team, string Priority, long Open, long Overdue, long Done)>(new CommandDefinition(
            $"""
            SELECT {team}, a.priority,
                   SUM(CASE WHEN a.status <> '{ActionItemStatus.Done}' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN a.status <> '{ActionItemStatus.Done}' AND a.due_date < @Today THEN 1 ELSE 0 END),
                   SUM(CASE WHEN a.status = '{ActionItemStatus.Done}' THEN 1 ELSE 0 END)
            {current}
            GROUP BY {team}, a.priority
            """,
            new { Today = today },
            cancellationToken: cancellationToken));
        var ages = new Dictionary<string, long>(StringComparer.Ordinal);
        var newer = long.MaxValue;
        foreach (var (name, upToDays) in FollowUpFigures.AgeBuckets)
        {
            var older = upToDays == int.MaxValue ? long.MinValue : nowMs - (long)TimeSpan.FromDays(upToDays).TotalMilliseconds;
            ages[name] = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT COUNT(*) {current} AND a.status <> '{ActionItemStatus.Done}' AND a.created_at >= @Older AND a.created_at < @Newer",
                new { Older = older, Newer = newer },
                cancellationToken: cancellationToken));
            newer = older;
        }

        var week4Ms = (long)TimeSpan.FromDays(28).TotalMilliseconds;
        var (reviewable, doneByWeek4) = await connection.QuerySingleAsync<(long, long?)>(new CommandDefinition(
            $"""
            SELECT COUNT(*), SUM(CASE WHEN a.done_at IS NOT NULL AND a.done_at - p.published_at <= @Week4Ms THEN 1 ELSE 0 END)
            {current} AND p.published_at IS NOT NULL AND p.published_at <= @ReviewableBefore
            """,
            new { Week4Ms = week4Ms, ReviewableBefore = nowMs - week4Ms },
            cancellationToken: cancellationToken));
        return new FollowUpGauges(
            [.. byTeam.Select(r => (r.Team, r.Priority, new FollowUpCounts((int)r.Open, (int)r.Overdue, (int)r.Done)))],
            ages,
            reviewable == 0 ? null : (double)(doneByWeek4 ?? 0) / reviewable);
    }

    /// <summary>
    /// This period's digests as stored: whether the period's run got as far as its plan (<see cref="PlanDigestWeekAsync"/>),
    /// and the owners it has a row for, sent or not yet.
    /// </summary>
    public async Task<DigestWeekRows> DigestWeekAsync(string period, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var planned = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM digest_weeks WHERE period = @Period", new { Period = period }, cancellationToken: cancellationToken)) > 0;
        var rows = await connection.QueryAsync<(string Owner, long? SentAt)>(new CommandDefinition(
            "SELECT owner, sent_at FROM digest_sends WHERE period = @Period", new { Period = period }, cancellationToken: cancellationToken));
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var unsent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (owner, sentAt) in rows)
        {
            (sentAt is null ? unsent : sent).Add(owner);
        }

        return new DigestWeekRows(planned, sent, unsent);
    }

    /// <summary>
    /// Marks the period's run as started and whom it means to mail, in one commit, before its first message: one row per
    /// owner (<c>sent_at</c> NULL until sent), which is what <c>CatchUpCron</c> completes should the run be cut short.
    /// </summary>
    public async Task PlanDigestWeekAsync(string period, IReadOnlyList<(string Owner, string? Email, int Items)> owners, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO digest_weeks (period, planned_at) VALUES (@Period, @NowMs) ON CONFLICT (period) DO NOTHING",
            new { Period = period, NowMs = nowMs },
            tx,
            cancellationToken: cancellationToken));
        foreach (var (owner, email, items) in owners)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO digest_sends (owner, period, email, items, attempts, sends) VALUES (@Owner, @Period, @Email, @Items, 0, 0)
                ON CONFLICT (owner, period) DO NOTHING
                """,
                new { Owner = owner, Period = period, Email = email, Items = items },
                tx,
                cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Claims the owner's digest for this period, committed before the message is made: the claim's token, or null when
    /// the digest was sent already (unless <paramref name="force"/>) or another run holds an unexpired claim on it. One
    /// statement, so two runs (overlapping, or on two replicas) can never both get it: SQLite has one writer at a time,
    /// and PostgreSQL's <c>ON CONFLICT DO UPDATE</c> locks the row and checks the <c>WHERE</c> again on the latest row.
    /// </summary>
    public async Task<string?> ClaimDigestAsync(
        string owner, string period, string email, int items, bool force, long nowMs, long claimedUntilMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            INSERT INTO digest_sends (owner, period, email, items, attempts, sends, claim_token, claimed_until)
            VALUES (@Owner, @Period, @Email, @Items, 1, 0, @Token, @ClaimedUntil)
            ON CONFLICT (owner, period) DO UPDATE SET email = excluded.email, items = excluded.items, attempts = digest_sends.attempts + 1,
                claim_token = excluded.claim_token, claimed_until = excluded.claimed_until
            WHERE (digest_sends.sent_at IS NULL OR @Force = 1) AND (digest_sends.claimed_until IS NULL OR digest_sends.claimed_until <= @NowMs)
            RETURNING claim_token
            """,
            new
            {
                Owner = owner, Period = period, Email = email, Items = items, Token = Guid.NewGuid().ToString("N"),
                ClaimedUntil = claimedUntilMs, Force = force ? 1 : 0, NowMs = nowMs,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The SMTP server accepted the owner's digest: recorded whatever became of the claim meanwhile (the message is out),
    /// and the claim ends if it is still <paramref name="token"/>'s.
    /// </summary>
    public async Task RecordDigestSentAsync(string owner, string period, string token, long sentAtMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE digest_sends SET sent_at = @SentAt, sends = sends + 1, last_error = NULL,
                claimed_until = CASE WHEN claim_token = @Token THEN NULL ELSE claimed_until END,
                claim_token = CASE WHEN claim_token = @Token THEN NULL ELSE claim_token END
            WHERE owner = @Owner AND period = @Period
            """,
            new { Owner = owner, Period = period, Token = token, SentAt = sentAtMs },
            cancellationToken: cancellationToken));
    }

    /// <summary>The claimed digest was not sent (<paramref name="error"/> says why): the claim ends, so the next run may try.</summary>
    public async Task ReleaseDigestAsync(string owner, string period, string token, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE digest_sends SET last_error = @Error, claim_token = NULL, claimed_until = NULL
            WHERE owner = @Owner AND period = @Period AND claim_token = @Token
            """,
            new { Owner = owner, Period = period, Token = token, Error = error },
            cancellationToken: cancellationToken));
    }

    /// <summary>A digest that could not even be tried (no address, the run's SMTP connection is gone): counted and said why.</summary>
    public async Task RecordDigestFailureAsync(string owner, string period, string? email, int items, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO digest_sends (owner, period, email, items, attempts, sends, last_error) VALUES (@Owner, @Period, @Email, @Items, 1, 0, @Error)
            ON CONFLICT (owner, period) DO UPDATE SET email = excluded.email, items = excluded.items, attempts = digest_sends.attempts + 1,
                last_error = excluded.last_error
            """,
            new { Owner = owner, Period = period, Email = email, Items = items, Error = error },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Incidents whose postmortem is overdue at <paramref name="now"/> (<c>FollowUp:PostmortemDue</c>): resolved more than
    /// <c>Hours</c> ago, of one of <c>Severities</c>, without a published postmortem (none, or one still a draft or in
    /// review). Oldest resolution first. The digest, the timeline entry and <c>GET /api/incidents?postmortem=overdue</c>
    /// read this one definition.
    /// </summary>
    public async Task<IReadOnlyList<OverduePostmortemRow>> PostmortemsOverdueAsync(PostmortemDueOptions due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OverduePostmortemRow>(new CommandDefinition(
            $"""
            SELECT i.id AS IncidentId, i.title AS Title, i.severity AS Severity, i.resolved_at AS ResolvedAt,
                   p.id AS PostmortemId, p.status AS PostmortemStatus
            FROM incidents i LEFT JOIN postmortems p ON p.incident_id = i.id
            WHERE {PostmortemOverdueCondition()}
            ORDER BY i.resolved_at, i.seq
            """,
            PostmortemOverdueParameters(due, now),
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>How many incidents <see cref="PostmortemsOverdueAsync"/> would list, counted by the database.</summary>
    public async Task<long> CountPostmortemsOverdueAsync(PostmortemDueOptions due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM incidents i LEFT JOIN postmortems p ON p.incident_id = i.id WHERE {PostmortemOverdueCondition()}",
            PostmortemOverdueParameters(due, now),
            cancellationToken: cancellationToken));
    }

    /// <summary>A postmortem is one per incident (<c>postmortems.incident_id</c> is unique), so the join adds no rows.</summary>
    private string PostmortemOverdueCondition() =>
        $"""
        i.status = 'resolved' AND i.resolved_at IS NOT NULL AND i.resolved_at < @ResolvedBeforeMs AND i.severity {database.IsAnyOf("@Severities")}
        AND (p.id IS NULL OR p.status <> 'published')
        """;

    private static object PostmortemOverdueParameters(PostmortemDueOptions due, DateTimeOffset now) => new
    {
        ResolvedBeforeMs = (now - due.After).ToUnixTimeMilliseconds(),
        Severities = due.SeverityLevels,
    };
}

/// <summary>An incident whose postmortem is overdue (<see cref="FollowUpStore.PostmortemsOverdueAsync"/>); times are Unix milliseconds.</summary>
internal sealed record OverduePostmortemRow
{
    public required string IncidentId { get; init; }

    public required string Title { get; init; }

    /// <summary>1..4 for SEV1..SEV4.</summary>
    public required long Severity { get; init; }

    public required long ResolvedAt { get; init; }

    /// <summary>The incident's unpublished postmortem, if one has been written.</summary>
    public string? PostmortemId { get; init; }

    public string? PostmortemStatus { get; init; }
}

/// <summary>
/// One period's digest rows: <paramref name="Planned"/> once the period's run has decided whom to mail; the owners
/// with a row, by whether their digest has been sent.
/// </summary>
internal sealed record DigestWeekRows(bool Planned, IReadOnlySet<string> Sent, IReadOnlySet<string> Unsent);

/// <summary>What <c>/metrics</c> shows of the follow-ups: counts by team and priority, open items by age, the week-4 rate.</summary>
internal sealed record FollowUpGauges(
    IReadOnlyList<(string Team, string Priority, FollowUpCounts Counts)> ByTeamAndPriority,
    IReadOnlyDictionary<string, long> OpenByAgeDays,
    double? CompletionRateAtWeek4);
