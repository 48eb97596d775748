using Microsoft.Data.Sqlite;

namespace IncidentBridge.Bench;

/// <summary>
/// Row counts read straight from the worker's SQLite file, read-only (WAL lets a reader in beside the worker).
/// The API has no counts, and the scale figure needs the number of open alerts the store holds.
/// </summary>
internal sealed record StoreCounts(long OpenAlerts, long Incidents, long Deliveries, long ActionItems)
{
    public static async Task<StoreCounts> ReadAsync(string databasePath, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return new StoreCounts(
            await CountAsync(connection, "SELECT COUNT(*) FROM incident_alerts WHERE status = 'firing'", cancellationToken),
            await CountAsync(connection, "SELECT COUNT(*) FROM incidents", cancellationToken),
            await CountAsync(connection, "SELECT COUNT(*) FROM deliveries", cancellationToken),
            await CountAsync(connection, "SELECT COUNT(*) FROM action_items", cancellationToken));
    }

    /// <summary>The median size of the bodies of <paramref name="source"/> stored since <paramref name="since"/> (what wrk really sent).</summary>
    public static async Task<double> MedianBodyBytesAsync(string databasePath, string source, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Bodies have a table of their own since migration 0012 (delivery_bodies, keyed by the delivery's seq).
        command.CommandText = "SELECT LENGTH(b.body) FROM deliveries d JOIN delivery_bodies b ON b.seq = d.seq WHERE d.source = $source AND d.received_at >= $since ORDER BY 1";
        command.Parameters.AddWithValue("$source", source);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sizes.Add(reader.GetInt64(0));
        }

        return sizes.Count == 0 ? 0 : sizes[sizes.Count / 2];
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }
}
