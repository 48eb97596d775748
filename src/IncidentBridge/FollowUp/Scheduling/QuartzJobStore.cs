using Microsoft.Data.Sqlite;
using Npgsql;
using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// Quartz's persistent (ADO) job store on the worker's own database, so schedules and misfires survive restarts.
/// The one place that knows which database the store uses and whether it is clustered: the PostgreSQL work
/// switches clustering on here and nowhere else.
/// </summary>
internal static class QuartzJobStore
{
    /// <summary>The prefix of the tables migration <c>0004_quartz.sql</c> creates.</summary>
    public const string TablePrefix = "QRTZ_";

    public static void UseWorkerDatabase(this IPersistentStoreBuilder store, StorageProvider provider)
    {
        store.ConfigureStore(options =>
        {
            options.TablePrefix = TablePrefix;
            // Our migration creates the tables; Quartz only checks them on start and refuses a schema it cannot use.
            options.SchemaProvisioning = SchemaProvisioning.Validate;
        });
        store.UseSystemTextJsonSerializer();
        switch (provider)
        {
            case StorageProvider.Postgres:
                // Clustered (quartz.jobStore.clustered = true): every replica's scheduler shares the qrtz_ tables of
                // migration 0004, takes Quartz's row locks to acquire a trigger, so each fire runs on one replica, and
                // checks in, so a replica that stops checking in has its fired triggers recovered by another. Each
                // replica needs its own instance id: UseClustering derives one (GenerateInstanceId is on).
                // A data source of the scheduler's own, as on SQLite, so the scheduler's lifetime (it stops before the
                // inbox has finished its last batch) never decides the worker's connections.
                store.UsePostgres(source => source.DataSourceFactory = FromStorageOptions(NpgsqlFactory.Instance));
                store.UseClustering();
                break;
            default:
                // Not clustered (quartz.jobStore.clustered off): a SQLite file belongs to one process on one machine,
                // and clustering it would only add check-ins and row locks to a database with a single writer.
                store.UseSqlite(source => source.DataSourceFactory = FromStorageOptions(SqliteFactory.Instance));
                break;
        }
    }

    /// <summary>
    /// Connections from <c>IncidentBridge:Storage:ConnectionString</c> as the options resolve it at run time. On
    /// SQLite a locked database is retried by Microsoft.Data.Sqlite for the command timeout, which covers the short
    /// transactions of the ingest writer beside the scheduler's.
    /// </summary>
    private static Func<IServiceProvider, DbDataSource> FromStorageOptions(DbProviderFactory factory) =>
        services => factory.CreateDataSource(services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString);
}
