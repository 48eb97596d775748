using Dapper;
using Microsoft.Data.Sqlite;

namespace IncidentBridge.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseTests(PostgresServer postgres)
{
    [Fact]
    public void Postgres_migrations_are_the_sqlite_migrations_by_number_and_name()
    {
        var postgresMigrations = Migrations.For(StorageProvider.Postgres).Select(m => (m.Version, m.Name));

        Assert.Equal(Migrations.For(StorageProvider.Sqlite).Select(m => (m.Version, m.Name)), postgresMigrations);
    }

    [Fact]
    public async Task Schema_has_the_same_tables_and_columns_as_on_sqlite()
    {
        await using var onSqlite = new WorkerFactory();
        await using var onPostgres = new WorkerFactory(postgres.Settings());
        onSqlite.CreateClient();
        onPostgres.CreateClient();

        // On SQLite the inbox's tables are in a file of their own, with a schema_migrations of its own.
        var sqliteColumns = (await SqliteColumnsAsync(onSqlite.DatabasePath)).Union(await SqliteColumnsAsync(onSqlite.InboxPath)).OrderBy(c => c.Column, StringComparer.Ordinal).ToList();
        var postgresColumns = await PostgresColumnsAsync(onPostgres);

        Assert.Equal(sqliteColumns.Select(c => c.Column), postgresColumns.Select(c => c.Column));
    }

    [Fact]
    public async Task Every_integer_column_of_ours_is_bigint_so_it_reads_as_Int64_as_on_sqlite()
    {
        await using var worker = new WorkerFactory(postgres.Settings());
        worker.CreateClient();

        var narrow = (await PostgresColumnsAsync(worker))
            .Where(c => !c.Column.StartsWith("qrtz_", StringComparison.Ordinal) && !c.Column.StartsWith("schema_migrations.", StringComparison.Ordinal))
            .Where(c => c.Type is "integer" or "smallint" or "numeric" or "real" or "double precision")
            .ToList();

        Assert.Empty(narrow);
    }

    [Fact]
    public async Task Replicas_starting_together_apply_each_migration_once()
    {
        var settings = postgres.Settings();
        var workers = Enumerable.Range(0, 4).Select(_ => new WorkerFactory(settings)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => Task.Run(() => w.CreateClient())));

            Assert.Equal(Migrations.For(StorageProvider.Postgres).Count, await workers[0].CountAsync("schema_migrations"));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static async Task<List<(string Column, string Type)>> SqliteColumnsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        var rows = await connection.QueryAsync<(string, string)>(
            """
            SELECT lower(m.name) || '.' || lower(c.name), c.type FROM sqlite_master m JOIN pragma_table_info(m.name) c
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            """);
        return rows.OrderBy(r => r.Item1, StringComparer.Ordinal).ToList();
    }

    private static async Task<List<(string Column, string Type)>> PostgresColumnsAsync(WorkerFactory worker)
    {
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string, string)>(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'");
        return rows.OrderBy(r => r.Item1, StringComparer.Ordinal).ToList();
    }
}
