using IncidentBridge.Storage.Postgres;
using IncidentBridge.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBridge.Storage;

internal static class StorageRegistration
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        // Chosen from the validated options when first resolved (after ValidateOnStart), so a bad provider stops the
        // start with the key named. The container disposes what it creates: PostgreSQL's data source goes with the host.
        builder.Services.AddSingleton<IDatabase>(services =>
            services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider switch
            {
                StorageProvider.Postgres => ActivatorUtilities.CreateInstance<PostgresDatabase>(services),
                _ => ActivatorUtilities.CreateInstance<SqliteDatabase>(services),
            });
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>
/// Applies migrations before anything else starts: registered first, so hosted services that
/// read or write storage start against the current schema, and a broken database stops the start.
/// </summary>
internal sealed class StorageInitializer(IDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

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
