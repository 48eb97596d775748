using Microsoft.Data.Sqlite;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>Reads a worker's SQLite file directly, for what the HTTP API does not show (or when the worker is down).</summary>
internal sealed class WorkerDatabase(string path)
{
    // ReadWrite, not ReadWriteCreate: a wrong path fails instead of reading an empty new file.
    // No pooling, so the file is not held open after the test (its directory is deleted).
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = false,
    }.ToString();

    public async Task<long> CountAlertEventsAsync(string deliveryId, CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT COUNT(*) FROM alert_events WHERE delivery_id = $id", deliveryId, cancellationToken);

    /// <summary>Every stored delivery id, with whether a processor still holds a lease on it.</summary>
    public async Task<IReadOnlyList<(string Id, string State, bool Leased)>> DeliveriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, state, lease_owner IS NOT NULL FROM deliveries ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, string, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        return rows;
    }

    private async Task<long> ScalarAsync(string sql, string id, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }
}
