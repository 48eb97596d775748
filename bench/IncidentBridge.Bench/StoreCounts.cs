using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IncidentBridge.Bench;

/// <summary>
/// Row counts read straight from the worker's store: its SQLite file, read-only (WAL lets a reader in beside the
/// worker), or its PostgreSQL database. The API has no counts, and the scale figure needs the number of open alerts
/// the store holds. The queries are the same on both (the schemas are twins; both take <c>@name</c> parameters).
/// </summary>
internal sealed record StoreCounts(long OpenAlerts, long Incidents, long Deliveries, long ActionItems)
{
    public static async Task<StoreCounts> ReadAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(worker, inbox: false, cancellationToken);
        await using var inbox = await OpenAsync(worker, inbox: true, cancellationToken);
        return new StoreCounts(
            await CountAsync(connection, "SELECT COUNT(*) FROM incident_alerts WHERE status = 'firing'", cancellationToken),
            await CountAsync(connection, "SELECT COUNT(*) FROM incidents", cancellationToken),
            await CountAsync(inbox, "SELECT COUNT(*) FROM deliveries", cancellationToken),
            await CountAsync(connection, "SELECT COUNT(*) FROM action_items", cancellationToken));
    }

    /// <summary>The median size of the bodies of <paramref name="source"/> stored since <paramref name="since"/> (what wrk really sent).</summary>
    public static async Task<double> MedianBodyBytesAsync(WorkerProcess worker, string source, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(worker, inbox: true, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT LENGTH(b.body) FROM deliveries d JOIN delivery_bodies b ON b.seq = d.seq WHERE d.source = @source AND d.received_at >= @since ORDER BY 1";
        Add(command, "source", source);
        Add(command, "since", since.ToUnixTimeMilliseconds());
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sizes.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return sizes.Count == 0 ? 0 : sizes[sizes.Count / 2];
    }

    /// <summary>The worker's database; on SQLite with <paramref name="inbox"/>, the inbox's own file.</summary>
    private static async Task<DbConnection> OpenAsync(WorkerProcess worker, bool inbox, CancellationToken cancellationToken)
    {
        DbConnection connection = worker.PostgresConnectionString is { } postgres
            ? new NpgsqlConnection(postgres)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = inbox ? worker.InboxPath : worker.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<long> CountAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
