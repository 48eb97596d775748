using IncidentBridge.Operations;
using IncidentBridge.Storage.Postgres;
using IncidentBridge.Storage.Sqlite;
using Microsoft.Extensions.Options;

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
