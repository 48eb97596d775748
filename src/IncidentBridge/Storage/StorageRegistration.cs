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
        builder.Services.AddSingleton(InboxDatabase.For);
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHostedService<WalCheckpointer>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>
/// Applies migrations before anything else starts: registered first, so hosted services that
/// read or write storage start against the current schema, and a broken database stops the start.
/// </summary>
internal sealed class StorageInitializer(IDatabase database, InboxDatabase inbox) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync(cancellationToken);
        if (inbox.OwnFile)
        {
            await inbox.Database.InitializeAsync(cancellationToken);
            if (database is SqliteDatabase main && inbox.Database is SqliteDatabase file)
            {
                await main.MoveInboxAsync(file, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class StorageHealthCheck(IDatabase database, InboxDatabase inbox) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await SchemaVersionAsync(database, cancellationToken);
            var inboxVersion = inbox.OwnFile ? $", inbox file schema version {await SchemaVersionAsync(inbox.Database, cancellationToken)}" : "";
            return HealthCheckResult.Healthy($"{database.Provider} reachable, schema version {version}{inboxVersion}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} unreachable: {ex.Message}");
        }
    }

    // Reads the schema, not just "SELECT 1": a database that lost its tables is not ready either.
    private static async Task<long> SchemaVersionAsync(IDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
    }
}
