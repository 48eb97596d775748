using Dapper;
using Npgsql;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>Reads the PostgreSQL database that worker processes share, for what their APIs do not show (or when one is dead).</summary>
internal sealed class PostgresWorkerDatabase(string connectionString)
{
    /// <summary>Deliveries still pending under a lease written by the worker process <paramref name="processId"/>.</summary>
    public Task<long> PendingLeasedByAsync(int processId, CancellationToken cancellationToken) =>
        ScalarAsync(
            "SELECT COUNT(*) FROM deliveries WHERE state = 'pending' AND lease_owner LIKE @Owner",
            new { Owner = $"%:{processId}:%" },
            cancellationToken);

    /// <summary>Every stored delivery: its id, state and attempts.</summary>
    public async Task<IReadOnlyList<(string Id, string State, long Attempts)>> DeliveriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = await connection.QueryAsync<(string, string, long)>(new CommandDefinition(
            "SELECT id, state, attempts FROM deliveries ORDER BY seq", cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Alert events recorded per delivery id.</summary>
    public async Task<IReadOnlyDictionary<string, long>> AlertEventsByDeliveryAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = await connection.QueryAsync<(string DeliveryId, long Count)>(new CommandDefinition(
            "SELECT delivery_id, COUNT(*) FROM alert_events GROUP BY delivery_id", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.DeliveryId, r => r.Count);
    }

    /// <summary>Schedulers of <paramref name="schedulerName"/> that checked in to Quartz's cluster table.</summary>
    public Task<long> ClusterNodesAsync(string schedulerName, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COUNT(*) FROM qrtz_scheduler_state WHERE sched_name = @Name", new { Name = schedulerName }, cancellationToken);

    private async Task<long> ScalarAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
