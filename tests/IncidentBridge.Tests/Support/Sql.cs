using Dapper;

namespace IncidentBridge.Tests.Support;

/// <summary>Looks at the worker's storage directly, for what the API does not show (yet).</summary>
internal static class Sql
{
    public static async Task<long> CountAsync(this WorkerFactory worker, string table, string where = "1 = 1", object? parameters = null)
    {
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
    }
}
