using Dapper;
using Microsoft.Data.Sqlite;

namespace IncidentBridge.Tests.Storage;

/// <summary>
/// A SQLite file from before the inbox had a file of its own (schema 13) keeps its deliveries in the main file: the
/// first start moves them into the inbox file, the copy committed before the old tables are dropped, so a start cut
/// between the two commits finds both copies and moves again without making anything twice.
/// </summary>
public sealed class InboxFileUpgradeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deliveries_of_a_file_from_before_the_inbox_file_are_moved_into_it_and_processed_once(bool copiedBeforeACrash)
    {
        var directory = Path.Combine(Path.GetTempPath(), "incidentbridge-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var main = Path.Combine(directory, "incidentbridge.db");
        var inbox = Path.Combine(directory, "incidentbridge-inbox.db");
        await using (var old = await OpenAsync(main))
        {
            await Migrations.ApplyAsync(old, [.. Migrations.For(StorageProvider.Sqlite).Where(m => m.Version <= 13)], 0, CancellationToken.None);
            await old.ExecuteAsync(
                """
                INSERT INTO deliveries (id, source, received_at, content_type, state, attempts, next_attempt_at, processed_at)
                VALUES ('done-1', 'alertmanager', @Now, 'application/json', 'done', 1, @Now, @Now),
                       ('pending-1', 'alertmanager', @Now, 'application/json', 'pending', 0, @Now, NULL);
                INSERT INTO delivery_bodies (seq, body) SELECT seq, CAST(@Body AS BLOB) FROM deliveries;
                """,
                new { Body = AlertmanagerWebhook.Firing("checkout").ToString(), Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        }

        if (copiedBeforeACrash)
        {
            await using var file = await OpenAsync(inbox);
            await Migrations.ApplyAsync(file, Migrations.For(StorageProvider.Sqlite, Migrations.Inbox), 0, CancellationToken.None);
            await file.ExecuteAsync($"ATTACH DATABASE '{main}' AS old");
            await file.ExecuteAsync(
                """
                INSERT INTO deliveries (seq, id, source, received_at, content_type, state, attempts, next_attempt_at, processed_at, shard)
                SELECT seq, id, source, received_at, content_type, state, attempts, next_attempt_at, processed_at, shard FROM old.deliveries;
                INSERT INTO delivery_bodies SELECT * FROM old.delivery_bodies;
                """);
        }

        SqliteConnection.ClearAllPools();
        await using (var worker = new WorkerFactory(directory: directory))
        {
            var api = worker.CreateApiClient();
            await Deliveries.ProcessedAsync(api, "pending-1");

            Assert.Equal(["done", "done"], (await Deliveries.ListAsync(api)).Select(d => d.GetProperty("state").GetString()));
            Assert.Equal(2, await worker.CountAsync("delivery_bodies"));
            Assert.Single(await new IncidentsClient(worker).AllAsync());
            await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('deliveries', 'delivery_bodies')"));
        }

        Directory.Delete(directory, recursive: true);
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        return connection;
    }
}
