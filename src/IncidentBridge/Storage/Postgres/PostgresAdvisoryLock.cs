using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>
/// PostgreSQL advisory locks are named by a 64-bit number, per database. Ours are derived from a readable name
/// (a stable hash, the same in every replica and every version), prefixed so they stay clear of other users of the database.
/// </summary>
internal static class AdvisoryLockKey
{
    public static long For(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"incidentbridge:{name}")));
}
