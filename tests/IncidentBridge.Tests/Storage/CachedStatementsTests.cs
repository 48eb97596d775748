using Dapper;

namespace IncidentBridge.Tests.Storage;

/// <summary><see cref="CachedStatements"/> on both providers: one command per statement, bound afresh on every call.</summary>
public abstract class CachedStatementsTests(PostgresServer? postgres) : IAsyncLifetime
{
    private const string Insert = "INSERT INTO cached_test (n, note) VALUES (@N, @Note)";
    private const string Find = "SELECT n AS N, note AS Note FROM cached_test WHERE n = @N";

    private readonly WorkerFactory _worker = new(postgres.Settings());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Each_call_in_a_scope_binds_its_own_values_nulls_included()
    {
        _worker.CreateClient();
        await using var connection = await _worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("CREATE TEMPORARY TABLE cached_test (n BIGINT NOT NULL, note TEXT)");
        await using var transaction = await connection.BeginTransactionAsync();
        TestRow? first, second, missing;
        await using (CachedStatements.KeepOn(connection))
        {
            await CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 1L), ("@Note", "one"));
            await CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 2L), ("@Note", null));
            first = await CachedStatements.QueryFirstOrDefaultAsync<TestRow>(transaction, Find, ("@N", 1L));
            second = await CachedStatements.QueryFirstOrDefaultAsync<TestRow>(transaction, Find, ("@N", 2L));
            missing = await CachedStatements.QueryFirstOrDefaultAsync<TestRow>(transaction, Find, ("@N", 3L));
        }

        // Outside a scope the same calls still work, each with a command of its own.
        var again = await CachedStatements.QueryFirstOrDefaultAsync<TestRow>(transaction, Find, ("@N", 1L));
        await transaction.CommitAsync();

        Assert.Equal(new TestRow(1, "one"), first);
        Assert.Equal(new TestRow(2, null), second);
        Assert.Null(missing);
        Assert.Equal(first, again);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM cached_test"));
    }

    public sealed class OnSqlite() : CachedStatementsTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : CachedStatementsTests(postgres);

    public sealed record TestRow(long N, string? Note);
}
