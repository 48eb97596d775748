namespace IncidentBridge.Incidents;

/// <summary>
/// <c>incidents</c> and what hangs off them: <c>incident_alerts</c>, <c>incident_sources</c>, <c>incident_timeline</c>,
/// <c>incident_counters</c>. Correlation writes through the <c>…InAsync(tx, …)</c> methods, in the inbox processor's
/// transaction, so an incident change commits together with the delivery that caused it; the API and the follow-up work
/// read through the others, each on a connection of its own (docs/ARCHITECTURE.md, Storage). Every lookup is by an index.
/// </summary>
internal sealed class IncidentStore(IDatabase database)
{
    /// <summary>An incident's columns, named for Dapper and in the order <see cref="ReadIncident"/> reads them by position.</summary>
    private const string IncidentColumns = """
        seq AS Seq, id AS Id, title AS Title, service AS Service, alertname AS Alertname, severity AS Severity, status AS Status,
        started_at AS StartedAt, acknowledged_at AS AcknowledgedAt, resolved_at AS ResolvedAt, status_changed_at AS StatusChangedAt,
        last_activity_at AS LastActivityAt, correlation_hash AS CorrelationHash, labels AS Labels
        """;

    /// <summary>An alert's columns, named for Dapper and in the order <see cref="ReadAlert"/> reads them by position.</summary>
    private const string AlertColumns = """
        incident_id AS IncidentId, fingerprint AS Fingerprint, group_key AS GroupKey, status AS Status, starts_at AS StartsAt,
        ends_at AS EndsAt, labels AS Labels, annotations AS Annotations, generator_url AS GeneratorUrl
        """;

    private const string SourceColumns = """
        incident_id AS IncidentId, kind AS Kind, key AS Key, url AS Url, dedup_key AS DedupKey, status AS Status, status_at AS StatusAt
        """;

    private static IncidentRow ReadIncident(CachedStatements.Columns row) => new()
    {
        Seq = row.Integer(0),
        Id = row.Text(1),
        Title = row.Text(2),
        Service = row.TextOrNull(3),
        Alertname = row.TextOrNull(4),
        Severity = row.Integer(5),
        Status = row.Text(6),
        StartedAt = row.Integer(7),
        AcknowledgedAt = row.IntegerOrNull(8),
        ResolvedAt = row.IntegerOrNull(9),
        StatusChangedAt = row.Integer(10),
        LastActivityAt = row.Integer(11),
        CorrelationHash = row.TextOrNull(12),
        Labels = row.Text(13),
    };

    private static IncidentAlertRow ReadAlert(CachedStatements.Columns row) => new()
    {
        IncidentId = row.Text(0),
        Fingerprint = row.Text(1),
        GroupKey = row.Text(2),
        Status = row.Text(3),
        StartsAt = row.Integer(4),
        EndsAt = row.IntegerOrNull(5),
        Labels = row.Text(6),
        Annotations = row.Text(7),
        GeneratorUrl = row.TextOrNull(8),
    };

    /// <summary>The next stable id of the year: INC-2026-0042.</summary>
    public static async Task<string> NextIdInAsync(DbTransaction tx, int year)
    {
        var numbers = await CachedStatements.QueryRowsAsync(
            tx,
            "INSERT INTO incident_counters (year, last) VALUES (@Year, 1) ON CONFLICT (year) DO UPDATE SET last = incident_counters.last + 1 RETURNING last",
            row => row.Integer(0),
            ("@Year", year));
        return $"INC-{year}-{numbers[0]:0000}";
    }

    /// <summary>
    /// The newest incident with a source of <paramref name="kind"/> and <paramref name="key"/>. Like each finder correlation
    /// matches with, it locks the row until <paramref name="tx"/> ends (<see cref="IDatabase.ForUpdate"/>): replicas
    /// correlating alerts of one incident through different keys change it one after the other, each from its latest state.
    /// </summary>
    public static Task<IncidentRow?> FindBySourceInAsync(DbTransaction tx, string kind, string key, IDatabase database) =>
        CachedStatements.QueryFirstRowAsync(
            tx,
            Locked(
                $"""
                SELECT {IncidentColumns} FROM incidents
                WHERE id = (SELECT s.incident_id FROM incident_sources s JOIN incidents i ON i.id = s.incident_id
                            WHERE s.kind = @Kind AND s.key = @Key ORDER BY i.seq DESC LIMIT 1)
                """,
                database),
            ReadIncident,
            ("@Kind", kind),
            ("@Key", key));

    /// <summary>The newest incident with a source of <paramref name="kind"/> whose dedup key is <paramref name="dedupKey"/>.</summary>
    public static Task<IncidentRow?> FindBySourceDedupKeyInAsync(DbTransaction tx, string kind, string dedupKey, IDatabase database) =>
        CachedStatements.QueryFirstRowAsync(
            tx,
            Locked(
                $"""
                SELECT {IncidentColumns} FROM incidents
                WHERE id = (SELECT s.incident_id FROM incident_sources s JOIN incidents i ON i.id = s.incident_id
                            WHERE s.kind = @Kind AND s.dedup_key = @DedupKey ORDER BY i.seq DESC LIMIT 1)
                """,
                database),
            ReadIncident,
            ("@Kind", kind),
            ("@DedupKey", dedupKey));

    public static Task<IncidentRow?> FindByFingerprintInAsync(DbTransaction tx, string fingerprint, IDatabase database) =>
        CachedStatements.QueryFirstRowAsync(
            tx,
            Locked(
                $"""
                SELECT {IncidentColumns} FROM incidents
                WHERE id = (SELECT a.incident_id FROM incident_alerts a JOIN incidents i ON i.id = a.incident_id
                            WHERE a.fingerprint = @Fingerprint ORDER BY i.seq DESC LIMIT 1)
                """,
                database),
            ReadIncident,
            ("@Fingerprint", fingerprint));

    /// <summary>The newest incident with these correlation-key values that was active at or after <paramref name="sinceMs"/>.</summary>
    public static Task<IncidentRow?> FindByCorrelationInAsync(DbTransaction tx, string hash, long sinceMs, IDatabase database) =>
        CachedStatements.QueryFirstRowAsync(
            tx,
            Locked($"SELECT {IncidentColumns} FROM incidents WHERE correlation_hash = @Hash AND last_activity_at >= @SinceMs ORDER BY last_activity_at DESC LIMIT 1", database),
            ReadIncident,
            ("@Hash", hash),
            ("@SinceMs", sinceMs));

    /// <summary>
    /// <paramref name="sql"/> with <see cref="IDatabase.ForUpdate"/> appended: on SQLite the constant itself, so the finders
    /// correlation runs for every alert build no new statement text per call.
    /// </summary>
    private static string Locked(string sql, IDatabase database) => database.ForUpdate.Length == 0 ? sql : $"{sql} {database.ForUpdate}";

    public static Task InsertInAsync(DbTransaction tx, IncidentRow incident, long nowMs) =>
        CachedStatements.ExecuteAsync(
            tx,
            """
            INSERT INTO incidents (id, title, service, alertname, severity, status, started_at, acknowledged_at, resolved_at,
                                   status_changed_at, last_activity_at, correlation_hash, labels, created_at)
            VALUES (@Id, @Title, @Service, @Alertname, @Severity, @Status, @StartedAt, @AcknowledgedAt, @ResolvedAt,
                    @StatusChangedAt, @LastActivityAt, @CorrelationHash, @Labels, @NowMs)
            """,
            ("@Id", incident.Id),
            ("@Title", incident.Title),
            ("@Service", incident.Service),
            ("@Alertname", incident.Alertname),
            ("@Severity", incident.Severity),
            ("@Status", incident.Status),
            ("@StartedAt", incident.StartedAt),
            ("@AcknowledgedAt", incident.AcknowledgedAt),
            ("@ResolvedAt", incident.ResolvedAt),
            ("@StatusChangedAt", incident.StatusChangedAt),
            ("@LastActivityAt", incident.LastActivityAt),
            ("@CorrelationHash", incident.CorrelationHash),
            ("@Labels", incident.Labels),
            ("@NowMs", nowMs));

    public static Task UpdateInAsync(DbTransaction tx, IncidentRow incident) =>
        CachedStatements.ExecuteAsync(
            tx,
            """
            UPDATE incidents SET severity = @Severity, status = @Status, started_at = @StartedAt, acknowledged_at = @AcknowledgedAt,
                   resolved_at = @ResolvedAt, status_changed_at = @StatusChangedAt, last_activity_at = @LastActivityAt
            WHERE id = @Id
            """,
            ("@Severity", incident.Severity),
            ("@Status", incident.Status),
            ("@StartedAt", incident.StartedAt),
            ("@AcknowledgedAt", incident.AcknowledgedAt),
            ("@ResolvedAt", incident.ResolvedAt),
            ("@StatusChangedAt", incident.StatusChangedAt),
            ("@LastActivityAt", incident.LastActivityAt),
            ("@Id", incident.Id));

    public static Task AddSourceInAsync(DbTransaction tx, IncidentSourceRow source, long nowMs) =>
        CachedStatements.ExecuteAsync(
            tx,
            """
            INSERT INTO incident_sources (incident_id, kind, key, url, dedup_key, status, status_at, added_at)
            VALUES (@IncidentId, @Kind, @Key, @Url, @DedupKey, @Status, @StatusAt, @NowMs)
            ON CONFLICT DO NOTHING
            """,
            ("@IncidentId", source.IncidentId),
            ("@Kind", source.Kind),
            ("@Key", source.Key),
            ("@Url", source.Url),
            ("@DedupKey", source.DedupKey),
            ("@Status", source.Status),
            ("@StatusAt", source.StatusAt),
            ("@NowMs", nowMs));

    public static Task<IncidentSourceRow?> GetSourceInAsync(DbTransaction tx, string incidentId, string kind, string key) =>
        Connection(tx).QueryFirstOrDefaultAsync<IncidentSourceRow>(
            $"SELECT {SourceColumns} FROM incident_sources WHERE incident_id = @IncidentId AND kind = @Kind AND key = @Key",
            new { IncidentId = incidentId, Kind = kind, Key = key },
            tx);

    public static Task SetSourceStatusInAsync(DbTransaction tx, IncidentSourceRow source) =>
        Connection(tx).ExecuteAsync(
            "UPDATE incident_sources SET status = @Status, status_at = @StatusAt WHERE incident_id = @IncidentId AND kind = @Kind AND key = @Key",
            source,
            tx);

    /// <summary>Whether anything still holds the incident open: a firing alert or an unresolved PagerDuty incident.</summary>
    public static async Task<bool> AnythingOpenInAsync(DbTransaction tx, string incidentId) =>
        await Connection(tx).ExecuteScalarAsync<long>(
            $"""
            SELECT (SELECT COUNT(*) FROM incident_alerts WHERE incident_id = @IncidentId AND status = 'firing')
                 + (SELECT COUNT(*) FROM incident_sources WHERE incident_id = @IncidentId AND kind = '{SourceKinds.PagerDuty}' AND status <> '{IncidentStatus.Resolved}')
            """,
            new { IncidentId = incidentId },
            tx) > 0;

    public static Task<IncidentAlertRow?> GetAlertInAsync(DbTransaction tx, string incidentId, string fingerprint) =>
        CachedStatements.QueryFirstRowAsync(
            tx,
            $"SELECT {AlertColumns} FROM incident_alerts WHERE incident_id = @IncidentId AND fingerprint = @Fingerprint",
            ReadAlert,
            ("@IncidentId", incidentId),
            ("@Fingerprint", fingerprint));

    /// <summary>Writes each alert's latest state; an alert (incident and fingerprint) at most once in <paramref name="alerts"/>.</summary>
    public static Task UpsertAlertsInAsync(DbTransaction tx, IReadOnlyList<IncidentAlertRow> alerts, long nowMs) =>
        CachedStatements.ExecuteRowsAsync(
            tx,
            "INSERT INTO incident_alerts (incident_id, fingerprint, group_key, status, starts_at, ends_at, labels, annotations, generator_url, updated_at)",
            """
            ON CONFLICT (incident_id, fingerprint) DO UPDATE SET
                group_key = excluded.group_key, status = excluded.status, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                labels = excluded.labels, annotations = excluded.annotations, generator_url = excluded.generator_url, updated_at = excluded.updated_at
            """,
            10,
            alerts,
            a => [a.IncidentId, a.Fingerprint, a.GroupKey, a.Status, a.StartsAt, a.EndsAt, a.Labels, a.Annotations, a.GeneratorUrl, nowMs]);

    private const string TimelineInsert = "INSERT INTO incident_timeline (incident_id, at, kind, message, actor, dedup_key)";

    /// <summary>Appends a timeline entry once: a second entry with the same <paramref name="dedupKey"/> is ignored.</summary>
    public static async Task<bool> AppendTimelineInAsync(DbTransaction tx, string incidentId, long atMs, string kind, string message, string? actor, string dedupKey) =>
        await CachedStatements.ExecuteAsync(
            tx,
            $"{TimelineInsert} VALUES (@IncidentId, @AtMs, @Kind, @Message, @Actor, @DedupKey) ON CONFLICT DO NOTHING",
            ("@IncidentId", incidentId),
            ("@AtMs", atMs),
            ("@Kind", kind),
            ("@Message", message),
            ("@Actor", actor),
            ("@DedupKey", dedupKey)) == 1;

    /// <summary>Appends entries in order, each once (<see cref="NewTimelineEntry.DedupKey"/>); returns how many were new.</summary>
    public static Task<int> AppendTimelineInAsync(DbTransaction tx, IReadOnlyList<NewTimelineEntry> entries) =>
        CachedStatements.ExecuteRowsAsync(
            tx,
            TimelineInsert,
            "ON CONFLICT DO NOTHING",
            6,
            entries,
            e => [e.IncidentId, e.AtMs, e.Kind, e.Message, e.Actor, e.DedupKey]);

    /// <summary>Newest first. <paramref name="open"/>: true = not resolved, false = resolved, null = all.</summary>
    /// <param name="postmortemOverdue">
    /// Only resolved incidents of these severities (1..4) resolved before this time that have no published postmortem.
    /// </param>
    public async Task<IReadOnlyList<IncidentRow>> ListAsync(bool? open, string? service, int? severity, long? beforeSeq, int limit, CancellationToken cancellationToken, (long ResolvedBeforeMs, long[] Severities)? postmortemOverdue = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(
            ListSql(open, service, severity, beforeSeq, postmortemOverdue is null ? null : database.IsAnyOf("@Severities")),
            new { Service = service, Severity = severity, BeforeSeq = beforeSeq, Limit = limit, postmortemOverdue?.ResolvedBeforeMs, postmortemOverdue?.Severities },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <param name="overdueSeverities">The provider's "is any of @Severities", when only incidents whose postmortem is overdue are wanted.</param>
    public static string ListSql(bool? open, string? service, int? severity, long? beforeSeq, string? overdueSeverities = null)
    {
        var filter = new SqlFilter()
            .And(open == true, "status <> 'resolved'")
            .And(open == false, "status = 'resolved'")
            .And(service is not null, "service = @Service")
            .And(severity is not null, "severity = @Severity")
            .And(beforeSeq is not null, "seq < @BeforeSeq")
            .And(overdueSeverities is not null, $"""
                status = 'resolved' AND resolved_at IS NOT NULL AND resolved_at < @ResolvedBeforeMs AND severity {overdueSeverities}
                AND NOT EXISTS (SELECT 1 FROM postmortems p WHERE p.incident_id = incidents.id AND p.status = 'published')
                """);
        return $"SELECT {IncidentColumns} FROM incidents {filter} ORDER BY seq DESC LIMIT @Limit";
    }

    /// <summary>
    /// The newest other incident of the same service and alertname whose action items are not all done, with how many
    /// are open and how many of those are past due on <paramref name="today"/> (yyyy-MM-dd).
    /// </summary>
    public static Task<RelatedIncident?> FindOpenFollowUpsOfInAsync(DbTransaction tx, string incidentId, string service, string alertname, string today) =>
        CachedStatements.QueryFirstRowAsync(
            tx,
            """
            SELECT i.id AS IncidentId, COUNT(*) AS OpenItems,
                   SUM(CASE WHEN a.due_date IS NOT NULL AND a.due_date < @Today THEN 1 ELSE 0 END) AS OverdueItems
            FROM incidents i JOIN action_items a ON a.incident_id = i.id
            WHERE i.service = @Service AND i.alertname = @Alertname AND i.id <> @IncidentId
              AND a.status <> 'done' AND a.removed_at IS NULL
            GROUP BY i.id, i.seq ORDER BY i.seq DESC LIMIT 1
            """,
            row => new RelatedIncident(row.Text(0), row.Integer(1), row.Integer(2)),
            ("@Today", today),
            ("@Service", service),
            ("@Alertname", alertname),
            ("@IncidentId", incidentId));

    public static Task SetRelatedInAsync(DbTransaction tx, string incidentId, string relatedIncidentId) =>
        Connection(tx).ExecuteAsync("UPDATE incidents SET related_incident_id = @Related WHERE id = @Id", new { Id = incidentId, Related = relatedIncidentId }, tx);

    /// <summary>The follow-ups of <paramref name="relatedIncidentId"/> as they stand now: open and overdue action items.</summary>
    public async Task<RelatedIncident?> FollowUpsOfAsync(string relatedIncidentId, string today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RelatedIncident>(new CommandDefinition(
            """
            SELECT @Id AS IncidentId,
                   COALESCE(SUM(CASE WHEN status <> 'done' THEN 1 ELSE 0 END), 0) AS OpenItems,
                   COALESCE(SUM(CASE WHEN status <> 'done' AND due_date IS NOT NULL AND due_date < @Today THEN 1 ELSE 0 END), 0) AS OverdueItems
            FROM action_items WHERE incident_id = @Id AND removed_at IS NULL
            """,
            new { Id = relatedIncidentId, Today = today },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The incident, its row locked until <paramref name="tx"/> ends (<see cref="IDatabase.ForUpdate"/>): work that
    /// reads what hangs off an incident and then writes it (a postmortem and its action items) goes one at a time per
    /// incident, also when two replicas are asked at once.
    /// </summary>
    public static Task<IncidentRow?> FindForUpdateInAsync(DbTransaction tx, string id, IDatabase database) =>
        Connection(tx).QuerySingleOrDefaultAsync<IncidentRow>(Locked($"SELECT {IncidentColumns} FROM incidents WHERE id = @Id", database), new { Id = id }, tx);

    public async Task<IncidentRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            $"SELECT {IncidentColumns} FROM incidents WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Appends a timeline entry in a transaction of its own (for work that happens outside an inbox delivery); false when
    /// an entry with the same <paramref name="dedupKey"/> was there already.
    /// </summary>
    public async Task<bool> AppendTimelineAsync(string incidentId, long atMs, string kind, string message, string? actor, string dedupKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var turn = await database.WaitWriteTurnAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var added = await AppendTimelineInAsync(tx, incidentId, atMs, kind, message, actor, dedupKey);
        await tx.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>
    /// The incident with its sources and its latest <paramref name="latest"/> alerts and timeline entries (oldest first):
    /// an incident with 100,000 alerts answers as fast as one with ten. The rest are paged by
    /// <see cref="AlertsPageAsync"/> and <see cref="TimelinePageAsync"/>.
    /// </summary>
    public async Task<IncidentDetail?> GetAsync(string id, int latest, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var incident = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            $"SELECT {IncidentColumns} FROM incidents WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        if (incident is null)
        {
            return null;
        }

        var alerts = await AlertsPageAsync(connection, id, before: null, latest, cancellationToken);
        var alertCount = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM incident_alerts WHERE incident_id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        var sources = await connection.QueryAsync<IncidentSourceRow>(new CommandDefinition(
            $"SELECT {SourceColumns} FROM incident_sources WHERE incident_id = @Id ORDER BY added_at, kind, key", new { Id = id }, cancellationToken: cancellationToken));
        var timeline = await TimelinePageAsync(connection, id, before: null, latest, cancellationToken);
        var timelineCount = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM incident_timeline WHERE incident_id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        var related = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT related_incident_id FROM incidents WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return new IncidentDetail(incident, [.. alerts.Reverse()], alertCount, sources.ToList(), [.. timeline.Reverse()], timelineCount, related);
    }

    /// <summary>An incident's alerts, latest first (by <c>startsAt</c>, then fingerprint), before the cursor <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<IncidentAlertRow>> AlertsPageAsync(string id, (long StartsAt, string Fingerprint)? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await AlertsPageAsync(connection, id, before, limit, cancellationToken);
    }

    /// <summary>An incident's timeline, latest first (by time, then the order written), before the cursor <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<TimelineRow>> TimelinePageAsync(string id, (long At, long Seq)? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await TimelinePageAsync(connection, id, before, limit, cancellationToken);
    }

    private static async Task<IReadOnlyList<IncidentAlertRow>> AlertsPageAsync(
        DbConnection connection, string id, (long StartsAt, string Fingerprint)? before, int limit, CancellationToken cancellationToken)
    {
        // Keyset paging on ix_incident_alerts_starts (incident_id, starts_at, fingerprint): no OFFSET, no sort of every alert.
        var rows = await connection.QueryAsync<IncidentAlertRow>(new CommandDefinition(
            $"""
            SELECT {AlertColumns} FROM incident_alerts
            WHERE incident_id = @Id {(before is null ? "" : "AND (starts_at < @StartsAt OR (starts_at = @StartsAt AND fingerprint < @Fingerprint))")}
            ORDER BY starts_at DESC, fingerprint DESC
            LIMIT @Limit
            """,
            new { Id = id, before?.StartsAt, before?.Fingerprint, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    private static async Task<IReadOnlyList<TimelineRow>> TimelinePageAsync(
        DbConnection connection, string id, (long At, long Seq)? before, int limit, CancellationToken cancellationToken)
    {
        // Keyset paging on ix_incident_timeline_incident (incident_id, at, seq).
        var rows = await connection.QueryAsync<TimelineRow>(new CommandDefinition(
            $"""
            SELECT seq AS Seq, at AS At, kind AS Kind, message AS Message, actor AS Actor FROM incident_timeline
            WHERE incident_id = @Id {(before is null ? "" : "AND (at < @At OR (at = @At AND seq < @Seq))")}
            ORDER BY at DESC, seq DESC
            LIMIT @Limit
            """,
            new { Id = id, before?.At, before?.Seq, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Incidents that started in [<paramref name="fromMs"/>, <paramref name="toMs"/>), oldest first, for the reports.</summary>
    public async Task<IReadOnlyList<IncidentRow>> StartedBetweenAsync(long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(
            $"SELECT {IncidentColumns} FROM incidents WHERE started_at >= @FromMs AND started_at < @ToMs ORDER BY started_at, seq",
            new { FromMs = fromMs, ToMs = toMs },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// The incidents that started in [<paramref name="fromMs"/>, <paramref name="toMs"/>) counted by severity and status, with
    /// their mean times to acknowledge and to resolve in milliseconds (null when none was): aggregates, not rows, so a
    /// scrape costs the same however many incidents a storm opened.
    /// </summary>
    public async Task<WindowFigures> WindowFiguresAsync(long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var window = new { FromMs = fromMs, ToMs = toMs };
        var counts = await connection.QueryAsync<(long Severity, string Status, long Count)>(new CommandDefinition(
            "SELECT severity, status, COUNT(*) FROM incidents WHERE started_at >= @FromMs AND started_at < @ToMs GROUP BY severity, status",
            window,
            cancellationToken: cancellationToken));
        var (mtta, mttr) = await connection.QuerySingleAsync<(double?, double?)>(new CommandDefinition(
            """
            SELECT CAST(AVG(CASE WHEN acknowledged_at IS NULL THEN NULL WHEN acknowledged_at > started_at THEN acknowledged_at - started_at ELSE 0 END) AS DOUBLE PRECISION),
                   CAST(AVG(CASE WHEN resolved_at IS NULL THEN NULL WHEN resolved_at > started_at THEN resolved_at - started_at ELSE 0 END) AS DOUBLE PRECISION)
            FROM incidents WHERE started_at >= @FromMs AND started_at < @ToMs
            """,
            window,
            cancellationToken: cancellationToken));
        return new WindowFigures([.. counts.Select(c => ((int)c.Severity, c.Status, c.Count))], mtta, mttr);
    }

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
}

/// <summary>Incidents of a window: how many by severity and status, and the mean times to acknowledge and resolve (ms).</summary>
internal sealed record WindowFigures(IReadOnlyList<(int Severity, string Status, long Count)> Counts, double? MttaMs, double? MttrMs);
