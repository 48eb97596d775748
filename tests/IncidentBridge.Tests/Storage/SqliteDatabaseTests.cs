using Dapper;
using IncidentBridge.Storage.Sqlite;

namespace IncidentBridge.Tests.Storage;

public sealed class SqliteDatabaseTests
{
    [Theory]
    [InlineData("Full", 2)]
    [InlineData("Normal", 1)]
    public async Task Connections_use_the_configured_durability(string setting, long pragmaValue)
    {
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Storage:Synchronous"] = setting });
        worker.CreateClient();

        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);

        Assert.Equal(pragmaValue, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Only_the_processors_connections_commit_without_waiting_for_the_disk()
    {
        await using var worker = new WorkerFactory();
        worker.CreateClient();
        var database = worker.Service<IDatabase>();

        await using (var replayable = await database.OpenForReplayableWorkAsync(CancellationToken.None))
        {
            Assert.Equal(1, await replayable.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        }

        // The same pooled connection, handed out again for ordinary work, is back to FULL.
        await using var ordinary = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(2, await ordinary.ExecuteScalarAsync<long>("PRAGMA synchronous"));
    }

    [Theory]
    [InlineData("Full", 1, true)]
    [InlineData("Normal", 1, false)]
    public async Task Group_commits_sync_the_wal_after_the_commit_only_when_full_durability_is_asked(string setting, long pragmaValue, bool synced)
    {
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Storage:Synchronous"] = setting });
        worker.CreateClient();
        var database = (SqliteDatabase)worker.Service<IDatabase>();

        await using (var connection = await database.OpenForGroupCommitAsync(CancellationToken.None))
        {
            // With FULL the commit leaves the fsync to SyncCommitsAsync, after the write lock is given back.
            Assert.Equal(pragmaValue, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        }

        // The WAL that SQLite itself writes, found through SQLite (the data source may be relative or a URI).
        Assert.Equal(synced, database.WalToSync is not null);
        if (database.WalToSync is { } wal)
        {
            Assert.Equal(Path.GetFullPath(database.DataSource) + "-wal", wal);
            Assert.True(File.Exists(wal));
        }

        await database.SyncCommitsAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Migrations_apply_once_and_survive_a_restart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "incidentbridge-tests", Guid.NewGuid().ToString("N"));
        await using (var first = new WorkerFactory(directory: directory))
        {
            var deliveryId = await (await first.CreateClient().PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString())).DeliveryIdAsync();
            await Deliveries.ProcessedAsync(first.CreateApiClient(), deliveryId);
        }

        await using var second = new WorkerFactory(directory: directory);
        second.CreateClient();

        Assert.Equal(Migrations.For(StorageProvider.Sqlite).Count, await second.CountAsync("schema_migrations"));
        Assert.Equal(1, await second.CountAsync("deliveries", "state = 'done'"));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Sqlite_migrations_are_numbered_from_one_without_gaps()
    {
        var versions = Migrations.For(StorageProvider.Sqlite).Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }
}
