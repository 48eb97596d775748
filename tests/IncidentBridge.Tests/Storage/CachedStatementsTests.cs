using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

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
        await using var connection = await OpenWithTestTableAsync();
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

    [Fact]
    public async Task A_statement_reports_the_rows_it_changed()
    {
        await using var connection = await OpenWithTestTableAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (CachedStatements.KeepOn(connection))
        {
            const string Rename = "UPDATE cached_test SET note = @Note WHERE n < @Below";
            Assert.Equal(3, await CachedStatements.ExecuteRowsAsync(transaction, "INSERT INTO cached_test (n, note)", "", 2, [1L, 2L, 3L], n => [n, "x"]));
            Assert.Equal(2, await CachedStatements.ExecuteAsync(transaction, Rename, ("@Note", "y"), ("@Below", 3L)));
            Assert.Equal(0, await CachedStatements.ExecuteAsync(transaction, Rename, ("@Note", "z"), ("@Below", 0L)));
        }

        await transaction.CommitAsync();
        Assert.Equal(["y", "y", "x"], await connection.QueryAsync<string>("SELECT note FROM cached_test ORDER BY n"));
    }

    [Fact]
    public async Task A_write_returns_its_rows_read_by_position_in_and_out_of_a_scope()
    {
        await using var connection = await OpenWithTestTableAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        const string InsertReturning = "INSERT INTO cached_test (n, note) VALUES (@N, @Note), (@N + 1, @Note) RETURNING n, note";
        List<(long, string)> kept;
        await using (CachedStatements.KeepOn(connection))
        {
            kept = await CachedStatements.QueryRowsAsync(transaction, InsertReturning, row => (row.Integer(0), row.Text(1)), ("@N", 1L), ("@Note", "Zürich 🚨"));
            Assert.Equal([(3L, "b"), (4L, "b")], await CachedStatements.QueryRowsAsync(transaction, InsertReturning, row => (row.Integer(0), row.Text(1)), ("@N", 3L), ("@Note", "b")));
        }

        var once = await CachedStatements.QueryRowsAsync(transaction, InsertReturning, row => (row.Integer(0), row.Text(1)), ("@N", 5L), ("@Note", "c"));
        await transaction.CommitAsync();

        Assert.Equal([(1L, "Zürich 🚨"), (2L, "Zürich 🚨")], kept);
        Assert.Equal([(5L, "c"), (6L, "c")], once);
        Assert.Equal(6, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM cached_test"));
    }

    [Fact]
    public async Task The_first_row_is_read_by_position_with_its_nulls_and_no_row_reads_as_null()
    {
        await using var connection = await OpenWithTestTableAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        const string FindFrom = "SELECT n, note, CASE WHEN n > 1 THEN NULL ELSE n * 10 END AS tenfold, CAST(n AS INTEGER) AS as_integer FROM cached_test WHERE n >= @N ORDER BY n";
        static ReadRow Read(CachedStatements.Columns row) => new(row.Integer(0), row.TextOrNull(1), row.IntegerOrNull(2), row.Integer(3));
        await using (CachedStatements.KeepOn(connection))
        {
            await CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 1L), ("@Note", "one"));
            await CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 2L), ("@Note", null));
            Assert.Equal(new ReadRow(1, "one", 10, 1), await CachedStatements.QueryFirstRowAsync(transaction, FindFrom, Read, ("@N", 1L)));
            Assert.Equal(new ReadRow(2, null, null, 2), await CachedStatements.QueryFirstRowAsync(transaction, FindFrom, Read, ("@N", 2L)));
            Assert.Null(await CachedStatements.QueryFirstRowAsync(transaction, FindFrom, Read, ("@N", 3L)));
        }

        Assert.Equal(new ReadRow(1, "one", 10, 1), await CachedStatements.QueryFirstRowAsync(transaction, FindFrom, Read, ("@N", 0L)));
    }

    /// <summary>
    /// On SQLite the worker binds a statement's parameters itself, by position (Microsoft.Data.Sqlite looks each up by
    /// name on every call); what it stores must be what Microsoft.Data.Sqlite would store.
    /// </summary>
    /// <summary>A connection with an empty <c>cached_test</c> table of its own (temporary).</summary>
    private async Task<DbConnection> OpenWithTestTableAsync()
    {
        _worker.CreateClient();
        var connection = await _worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("CREATE TEMPORARY TABLE cached_test (n BIGINT NOT NULL, note TEXT)");
        return connection;
    }

    private sealed record ReadRow(long N, string? Note, long? Tenfold, long AsInteger);

    public sealed class OnSqlite() : CachedStatementsTests(null)
    {
        public static TheoryData<string, object?> Values => new()
        {
            { "empty text", "" },
            { "text", "plain" },
            { "text beyond ASCII", "Zürich → 東京 🚨" },
            { "text of more than a kilobyte", string.Concat(Enumerable.Repeat("Zürich → 東京 🚨 ", 200)) },
            { "long", long.MinValue },
            { "int", 42 },
            { "true", true },
            { "false", false },
            { "double", 0.1 },
            { "bytes", new byte[] { 0, 1, 255 } },
            { "null", null },
        };

        [Theory]
        [MemberData(nameof(Values))]
        public async Task A_value_is_stored_as_Microsoft_Data_Sqlite_stores_it(string kind, object? value)
        {
            _ = kind; // names the case in the test list
            _worker.CreateClient();
            await using var connection = await _worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync("CREATE TEMPORARY TABLE stored (how TEXT NOT NULL, v)");
            await using var transaction = await connection.BeginTransactionAsync();
            const string Store = "INSERT INTO stored (how, v) VALUES (@How, @V)";
            await using (CachedStatements.KeepOn(connection))
            {
                await CachedStatements.ExecuteAsync(transaction, Store, ("@How", "kept"), ("@V", value));
            }

            await CachedStatements.ExecuteAsync(transaction, Store, ("@How", "once"), ("@V", value));
            await connection.ExecuteAsync(Store, new DynamicParameters(new Dictionary<string, object?> { ["How"] = "command", ["V"] = value }), transaction);
            var stored = (await connection.QueryAsync<(string How, string Type, string Quoted)>("SELECT how, typeof(v), quote(v) FROM stored", transaction: transaction)).ToList();

            Assert.Equal(3, stored.Count);
            Assert.All(stored, row => Assert.Equal((stored[2].Type, stored[2].Quoted), (row.Type, row.Quoted)));
            Assert.Equal(value switch { null => "null", string => "text", bool or int or long => "integer", double => "real", _ => "blob" }, stored[0].Type);
        }

        [Fact]
        public async Task A_statement_whose_parameters_are_not_those_given_is_refused()
        {
            await using var connection = await OpenWithTestTableAsync();
            await using var transaction = await connection.BeginTransactionAsync();

            await Assert.ThrowsAsync<ArgumentException>(() => CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 1L)));
            await Assert.ThrowsAsync<ArgumentException>(() => CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 1L), ("@Note", "a"), ("@Other", 2L)));
            await Assert.ThrowsAsync<ArgumentException>(() => CachedStatements.ExecuteAsync(transaction, $"{Insert}; {Insert}", ("@N", 1L), ("@Note", "a")));
        }

        [Fact]
        public async Task A_refused_statement_throws_and_leaves_its_kept_statement_usable()
        {
            await using var connection = await OpenWithTestTableAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (CachedStatements.KeepOn(connection))
            {
                var refused = await Assert.ThrowsAsync<SqliteException>(() => CachedStatements.ExecuteAsync(transaction, Insert, ("@N", null), ("@Note", "a")));
                Assert.Equal(19, refused.SqliteErrorCode); // SQLITE_CONSTRAINT
                Assert.Equal(1, await CachedStatements.ExecuteAsync(transaction, Insert, ("@N", 1L), ("@Note", "a")));
            }

            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM cached_test", transaction: transaction));
        }
    }

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : CachedStatementsTests(postgres);

    public sealed record TestRow(long N, string? Note);
}
