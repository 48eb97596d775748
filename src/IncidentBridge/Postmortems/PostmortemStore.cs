namespace IncidentBridge.Postmortems;

internal sealed class PostmortemStore(IDatabase database)
{
    private const string Columns = """
        seq AS Seq, id AS Id, incident_id AS IncidentId, title AS Title, status AS Status, severity AS Severity, date AS Date,
        published_at AS PublishedAt, format AS Format, document AS Document, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public static Task<PostmortemRow?> FindByIncidentInAsync(DbTransaction tx, string incidentId) =>
        Connection(tx).QuerySingleOrDefaultAsync<PostmortemRow>($"SELECT {Columns} FROM postmortems WHERE incident_id = @IncidentId", new { IncidentId = incidentId }, tx);

    public static Task UpsertInAsync(DbTransaction tx, PostmortemRow row, string body) =>
        Connection(tx).ExecuteAsync(
            """
            INSERT INTO postmortems (id, incident_id, title, status, severity, date, published_at, format, document, body, created_at, updated_at)
            VALUES (@Id, @IncidentId, @Title, @Status, @Severity, @Date, @PublishedAt, @Format, @Document, @Body, @CreatedAt, @UpdatedAt)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, severity = excluded.severity, date = excluded.date,
                published_at = excluded.published_at, format = excluded.format, document = excluded.document, body = excluded.body,
                updated_at = excluded.updated_at
            """,
            new
            {
                row.Id, row.IncidentId, row.Title, row.Status, row.Severity, row.Date, row.PublishedAt, row.Format, row.Document, Body = body,
                row.CreatedAt, row.UpdatedAt,
            },
            tx);

    public async Task<PostmortemRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PostmortemRow>(new CommandDefinition(
            $"SELECT {Columns} FROM postmortems WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task<PostmortemRow?> FindByIncidentAsync(string incidentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PostmortemRow>(new CommandDefinition(
            $"SELECT {Columns} FROM postmortems WHERE incident_id = @IncidentId", new { IncidentId = incidentId }, cancellationToken: cancellationToken));
    }

    public async Task<PostmortemReview?> ReviewOfAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var review = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT review FROM postmortems WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return review is null ? null : System.Text.Json.JsonSerializer.Deserialize(review, PostmortemJsonContext.Default.PostmortemReview);
    }

    /// <summary>Of the incidents that started in [from, to): how many have a published postmortem, and their action items done / all.</summary>
    /// <summary>Over the incidents started in the period: incidents, published postmortems, items (not-doing left out), done items, not-doing items.</summary>
    public async Task<(long Incidents, long Published, long Items, long DoneItems, long NotDoingItems)> CompletionAsync(long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long, long, long, long)>(new CommandDefinition(
            """
            SELECT
              (SELECT COUNT(*) FROM incidents WHERE started_at >= @FromMs AND started_at < @ToMs),
              (SELECT COUNT(*) FROM postmortems p JOIN incidents i ON i.id = p.incident_id
                 WHERE p.status = 'published' AND i.started_at >= @FromMs AND i.started_at < @ToMs),
              (SELECT COUNT(*) FROM action_items a JOIN incidents i ON i.id = a.incident_id
                 WHERE a.removed_at IS NULL AND a.status <> 'not-doing' AND i.started_at >= @FromMs AND i.started_at < @ToMs),
              (SELECT COUNT(*) FROM action_items a JOIN incidents i ON i.id = a.incident_id
                 WHERE a.removed_at IS NULL AND a.status = 'done' AND i.started_at >= @FromMs AND i.started_at < @ToMs),
              (SELECT COUNT(*) FROM action_items a JOIN incidents i ON i.id = a.incident_id
                 WHERE a.removed_at IS NULL AND a.status = 'not-doing' AND i.started_at >= @FromMs AND i.started_at < @ToMs)
            """,
            new { FromMs = fromMs, ToMs = toMs },
            cancellationToken: cancellationToken));
    }

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
}
