using System.Buffers.Binary;
using System.Security.Cryptography;
using Npgsql;

namespace IncidentBridge.Storage.Postgres;

/// <summary>
/// A session-level advisory lock and the connection that holds it, a connection of its own outside the pool
/// (<see cref="PostgresDatabase"/>'s lock data source). The lock lives exactly as long as that session: if the
/// session ends under us (the server restarts, <c>pg_terminate_backend</c>, a dropped network path), PostgreSQL
/// releases the lock and another replica may take it at once, while nothing here would notice. So the holder asks
/// <see cref="IsHeldAsync"/> before each effect or commit: a round trip on the holding session, which fails once the
/// session is gone. A pooled connection would not do: the pool could hand the holding session to other work, and
/// replace a broken one silently.
/// </summary>
internal sealed partial class PostgresAdvisoryLock(NpgsqlConnection connection, string name, long key, ILogger logger) : IDatabaseLock
{
    /// <summary>How long the check waits for the holding session to answer before it counts the lock as lost.</summary>
    private const int CheckTimeoutSeconds = 5;

    private bool _lost;

    /// <summary>The server process of the holding session, which a test (or an operator) can terminate.</summary>
    public int BackendProcessId => connection.ProcessID;

    public async ValueTask<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        if (_lost)
        {
            return false;
        }

        try
        {
            // A session-level advisory lock is released only by an unlock (we send none while holding it) or by the
            // session's end, so "the session still answers" is "the lock is still ours".
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", commandTimeout: CheckTimeoutSeconds, cancellationToken: cancellationToken));
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            _lost = true;
            LogLost(name, ex);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closing the session would release the lock too, but the server may finish ending it only after we
            // return: an explicit unlock frees it before the next holder asks.
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
            // The session is broken, and the lock went with it; the connection is not pooled, so it is simply closed.
        }
    }

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Lost the database lock {Lock}: its session ended or stopped answering; the work under it stops")]
    private partial void LogLost(string @lock, Exception exception);
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
