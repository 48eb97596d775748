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

    /// <summary>Every stored delivery's state and attempts so far, by id.</summary>
    public static async Task<Dictionary<string, (string State, long Attempts)>> DeliveryStatesAsync(this WorkerFactory worker)
    {
        await using var connection = await worker.Inbox().OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<(string Id, string State, long Attempts)>("SELECT id, state, attempts FROM deliveries"))
            .ToDictionary(d => d.Id, d => (d.State, d.Attempts));
    }

    /// <summary>
    /// A fault, on SQLite: until the next call with the same <paramref name="trigger"/> name, every write
    /// <paramref name="before"/> (e.g. <c>INSERT ON processed_deliveries</c>) whose <paramref name="key"/> is one of
    /// <paramref name="ids"/> does <c>RAISE(<paramref name="raise"/>)</c>; none for no ids.
    /// </summary>
    public static async Task RefuseAsync(this IDatabase database, string trigger, string before, string key, IReadOnlyCollection<string> ids, string raise)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync($"DROP TRIGGER IF EXISTS {trigger}");
        if (ids.Count > 0)
        {
            await connection.ExecuteAsync(
                $"CREATE TRIGGER {trigger} BEFORE {before} WHEN {key} IN ({string.Join(", ", ids.Select(id => $"'{id}'"))}) BEGIN SELECT RAISE({raise}); END");
        }
    }
}
