using IncidentBridge.Operations;
using IncidentBridge.Storage.Sqlite;

namespace IncidentBridge.Storage;

internal static class StorageRegistration
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        builder.Services.AddSingleton<IDatabase, SqliteDatabase>();
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [HealthTags.Ready]);
        return builder;
    }
}
