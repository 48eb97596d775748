using Dapper;
using Npgsql;

namespace IncidentBridge.Storage.Postgres;

/// <summary>
/// A session-level advisory lock and the connection that holds it. Disposing unlocks before the connection goes
/// back to the pool: a pooled session keeps its advisory locks until it is reset, which Npgsql does only when the
/// connection is next used.
/// </summary>
internal sealed class PostgresAdvisoryLock(NpgsqlConnection connection, long key) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        try
        {
            await UnlockAsync(connection, key);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public static async Task UnlockAsync(NpgsqlConnection connection, long key)
    {
        try
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = key });
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The session is broken (and with it the lock is gone); make sure it is not pooled as a healthy one.
            NpgsqlConnection.ClearPool(connection);
        }
    }
}
