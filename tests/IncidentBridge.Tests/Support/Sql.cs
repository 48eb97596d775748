using Dapper;

namespace IncidentBridge.Tests.Support;

/// <summary>Looks at the worker's storage directly, for what the API does not show (yet).</summary>
internal static class Sql
{
    public static async Task<long> CountAsync(this WorkerFactory worker, string table, string where = "1 = 1", object? parameters = null)
    {
        await using var connection = await (table is "deliveries" or "delivery_bodies" ? worker.Inbox() : worker.Service<IDatabase>()).OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
    }

    /// <summary>The database the inbox's tables are in: on SQLite a file of its own, on PostgreSQL the main database.</summary>
    public static IDatabase Inbox(this WorkerFactory worker) => worker.Service<InboxDatabase>().Database;
}
