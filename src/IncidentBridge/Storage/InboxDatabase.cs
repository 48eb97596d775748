using IncidentBridge.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace IncidentBridge.Storage;

/// <summary>
/// Where the inbox (<c>deliveries</c>, <c>delivery_bodies</c>) is stored. On SQLite a file of its own next to the main one
/// (<c>data/incidentbridge.db</c> has <c>data/incidentbridge-inbox.db</c>): SQLite has one writer per file, and in one
/// file every webhook's group commit waited for the processor's transaction and the processor committed in small pieces
/// to let them in, so a storm was processed at half the rate of its backlog afterwards. On PostgreSQL, which locks rows,
/// the main database, where a delivery's done mark commits with its processing.
/// </summary>
internal sealed class InboxDatabase(IDatabase database, bool ownFile)
{
    public IDatabase Database { get; } = database;

    /// <summary>
    /// True when the inbox is not in the main database: a delivery's processing commits there, with its mark in
    /// <c>processed_deliveries</c>, and its done mark in the inbox after that (<c>InboxProcessor</c>).
    /// </summary>
    public bool OwnFile { get; } = ownFile;

    /// <summary>The inbox file's connection string: the main file's, its name with <c>-inbox</c> before the extension.</summary>
    public static string SqliteConnectionString(string main)
    {
        var builder = new SqliteConnectionStringBuilder(main);
        var path = builder.DataSource;
        if (path.Length > 0 && path != ":memory:")
        {
            builder.DataSource = Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-inbox{Path.GetExtension(path)}");
        }

        return builder.ToString();
    }

    /// <summary>
    /// Each inbox connection's page cache, in KiB. What the inbox reads is the tail of its tables and indexes (the newest
    /// deliveries, the pending ones), and each body once; SQLite's default of 2 MB per pooled connection bought nothing here
    /// but resident memory.
    /// </summary>
    public const int SqliteCacheKiB = 512;

    /// <summary>The main database's inbox on PostgreSQL; SQLite's inbox file (<see cref="SqliteFile"/>).</summary>
    public static InboxDatabase For(IServiceProvider services)
    {
        var main = services.GetRequiredService<IDatabase>();
        return main.Provider == StorageProvider.Sqlite ? new InboxDatabase(SqliteFile(services), ownFile: true) : new InboxDatabase(main, ownFile: false);
    }

    /// <summary>The inbox's SQLite file, with the main file's settings (<c>Storage:*</c>), its own migrations and page cache.</summary>
    public static SqliteDatabase SqliteFile(IServiceProvider services)
    {
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return new SqliteDatabase(
            storage,
            SqliteConnectionString(storage.ConnectionString),
            Migrations.Inbox,
            SqliteCacheKiB,
            workCacheKiB: null,
            checkpointPages: null,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<SqliteDatabase>>());
    }
}
