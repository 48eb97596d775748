using Dapper;
using IncidentBridge.Storage.Postgres;
using Npgsql;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// Ends the database session that holds one of our advisory locks, from a connection of the test's own, as a server
/// restart or an operator's <c>pg_terminate_backend</c> would: the lock goes with the session.
/// </summary>
internal static class AdvisoryLockHolders
{
    /// <summary>
    /// Terminates the session holding the lock called <paramref name="name"/> and returns once PostgreSQL has released the
    /// lock. A bigint advisory key shows in <c>pg_locks</c> split in two: its high half as <c>classid</c>, its low half as
    /// <c>objid</c>, with <c>objsubid</c> 1.
    /// </summary>
    public static async Task TerminateAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        var holder = await HolderAsync(connection, name) ?? throw new InvalidOperationException($"Nobody holds the advisory lock '{name}'.");
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT pg_terminate_backend(@Pid)", new { Pid = holder }));
        await Eventually.UntilAsync(() => HolderAsync(connection, name), pid => pid is null, $"the terminated session's lock '{name}' is released");
    }

    private static Task<int?> HolderAsync(NpgsqlConnection connection, string name) =>
        connection.QuerySingleOrDefaultAsync<int?>(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((classid::bigint << 32) | objid::bigint) = @Key
            """,
            new { Key = AdvisoryLockKey.For(name) });
}
