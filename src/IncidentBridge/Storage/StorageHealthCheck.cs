using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBridge.Storage;

internal sealed class StorageHealthCheck(IDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            // Reads the schema, not just "SELECT 1": a database that lost its tables is not ready either.
            var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy($"{database.Provider} reachable, schema version {version}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} unreachable: {ex.Message}");
        }
    }
}
