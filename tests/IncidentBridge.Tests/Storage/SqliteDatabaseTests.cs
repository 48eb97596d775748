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
            Assert.Equal(2, await replayable.ExecuteScalarAsync<long>("PRAGMA temp_store")); // MEMORY: its savepoints' journals too
        }

        // The same pooled connection, handed out again for ordinary work, is back to FULL, and to temporary files.
        await using var ordinary = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(2, await ordinary.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal(0, await ordinary.ExecuteScalarAsync<long>("PRAGMA temp_store"));
    }

    [Fact]
    public async Task The_main_files_commits_checkpoint_past_40_MB_and_the_inbox_files_at_SQLites_4_MB()
    {
        await using var worker = new WorkerFactory();
        worker.CreateClient();

        foreach (var (database, pages) in new[] { (worker.Service<IDatabase>(), 10_000L), (worker.Service<InboxDatabase>().Database, 1_000L) })
        {
            await using var ordinary = await database.OpenAsync(CancellationToken.None);
            await using var replayable = await database.OpenForReplayableWorkAsync(CancellationToken.None);
            foreach (var connection in new[] { ordinary, replayable })
            {
                Assert.Equal(pages, await connection.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint"));
            }
        }
    }

    [Fact]
    public async Task The_processors_connections_cache_4_MB_of_the_main_file_and_others_SQLites_2_MB_after_them()
    {
        await using var worker = new WorkerFactory();
        worker.CreateClient();

        foreach (var (database, ordinaryKiB, workKiB) in new[] { (worker.Service<IDatabase>(), 2000L, 4096L), (worker.Service<InboxDatabase>().Database, 512L, 512L) })
        {
            // The same pooled connection, opened for the processor's work and then for anything else.
            await using (var replayable = await database.OpenForReplayableWorkAsync(CancellationToken.None))
            {
                Assert.Equal(-workKiB, await replayable.ExecuteScalarAsync<long>("PRAGMA cache_size"));
            }

            await using var ordinary = await database.OpenAsync(CancellationToken.None);
            Assert.Equal(-ordinaryKiB, await ordinary.ExecuteScalarAsync<long>("PRAGMA cache_size"));
        }
    }

    [Fact]
    public async Task The_main_files_wal_is_copied_into_the_database_in_the_background_well_before_40_MB()
    {
        await using var worker = new WorkerFactory();
        worker.CreateClient();
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("CREATE TABLE filler (b BLOB NOT NULL)");
        var before = new FileInfo(worker.DatabasePath).Length;

        // ~2 MB in the WAL: far below the 10,000 pages at which a commit would copy it.
        await connection.ExecuteAsync("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO filler SELECT randomblob(4000) FROM n");

        await Eventually.UntilAsync(
            () => Task.FromResult(new FileInfo(worker.DatabasePath).Length),
            length => length >= before + (500 * 4000),
            "the WAL's pages are copied into the database file");
    }

    [Fact]
    public async Task A_rolled_back_savepoint_of_the_processors_connection_undoes_only_its_own_writes()
    {
        await using var worker = new WorkerFactory();
        worker.CreateClient();
        await using var connection = await worker.Service<IDatabase>().OpenForReplayableWorkAsync(CancellationToken.None);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS journal_test (n INTEGER PRIMARY KEY, pad TEXT NOT NULL)");
        await using var transaction = await connection.BeginTransactionAsync();
        var pad = new string('x', 2000);
        // From the second round each savepoint rewrites ~125 existing pages (500 KB of journal), far past the 64 KB
        // at which SQLite would otherwise move its journal to a temporary file.
        for (var round = 0; round < 3; round++)
        {
            await transaction.SaveAsync("delivery");
            for (var i = 0; i < 250; i++)
            {
                await connection.ExecuteAsync("INSERT INTO journal_test (n, pad) VALUES (@N, @Pad)", new { N = (round * 1000) + i, Pad = pad }, transaction);
            }

            await connection.ExecuteAsync("UPDATE journal_test SET pad = 'kept' WHERE n < 1000", transaction: transaction);
            if (round == 1)
            {
                await transaction.RollbackAsync("delivery");
            }

            await transaction.ReleaseAsync("delivery");
        }

        await transaction.CommitAsync();
        Assert.Equal([0L, 2000L], await connection.QueryAsync<long>("SELECT n / 1000 * 1000 FROM journal_test GROUP BY n / 1000 ORDER BY 1"));
        Assert.Equal(500, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal_test"));
        Assert.Equal(250, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal_test WHERE pad = 'kept'"));
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
