using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IncidentBridge.Storage;

/// <summary>
/// Commands kept for the statements the inbox processor runs for every alert. Microsoft.Data.Sqlite keeps a statement
/// compiled only as long as its command lives, and Dapper makes a command per call, so SQLite compiled every statement
/// anew: about as much CPU as running it, in a profile of the ingest benchmark (<c>bench/</c>). Within a
/// <see cref="KeepOn"/> scope on a connection, each statement gets one command, compiled once; elsewhere a command is
/// made and disposed per call, as Dapper does. Parameters are bound in the order given, which must be the same on every
/// call with the same SQL.
/// On SQLite a statement that returns no rows runs on SQLite's own statement (<see cref="SqliteStatement"/>):
/// Microsoft.Data.Sqlite looks every parameter up by name on every execution, a walk of the statement's parameter
/// names each, which for the multi-row inserts of a notification (a hundred parameters) was a sixth of the
/// processor's CPU in a <c>bench/profile.sh drain</c> profile.
/// </summary>
internal static class CachedStatements
{
    private static readonly ConditionalWeakTable<DbConnection, Scope> Scopes = [];

    /// <summary>
    /// The text and parameter names of each shape of multi-row statement, made once: a handful of constant heads and
    /// tails, and at most <see cref="MaxParameters"/> rows each.
    /// </summary>
    private static readonly ConcurrentDictionary<(string Head, string Tail, int Columns, int Rows), (string Sql, string[] Names)> RowStatements = new();

    /// <summary>Keeps commands on <paramref name="connection"/> until the returned scope is disposed (before the connection).</summary>
    public static IAsyncDisposable KeepOn(DbConnection connection)
    {
        var scope = new Scope(connection);
        Scopes.AddOrUpdate(connection, scope);
        return scope;
    }

    /// <summary>Runs a statement that returns no rows; returns the rows it changed.</summary>
    public static Task<int> ExecuteAsync(DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        tx.Connection is SqliteConnection sqlite
            ? Task.FromResult(ExecuteOnSqlite(sqlite, sql, parameters))
            : RunAsync(tx, sql, parameters, command => command.ExecuteNonQueryAsync());

    /// <summary>The first row mapped by Dapper (columns by name, as its Query methods do), or default.</summary>
    public static Task<T?> QueryFirstOrDefaultAsync<T>(DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        RunAsync(tx, sql, parameters, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            return reader.Parse<T>().FirstOrDefault();
        });

    /// <summary>
    /// Every row a statement returns, each made by <paramref name="read"/> from the row's <see cref="Columns"/>: on SQLite
    /// the statement's parameters are bound by position, as <see cref="ExecuteAsync"/> binds them, and its columns read by
    /// position, with neither Microsoft.Data.Sqlite's lookup of each parameter by name on every call nor Dapper's mapping.
    /// </summary>
    public static Task<List<T>> QueryRowsAsync<T>(DbTransaction tx, string sql, Func<Columns, T> read, params (string Name, object? Value)[] parameters)
    {
        if (tx.Connection is SqliteConnection sqlite)
        {
            var rows = new List<T>();
            ExecuteOnSqlite(sqlite, sql, parameters, columns => rows.Add(read(columns)));
            return Task.FromResult(rows);
        }

        return RunAsync(tx, sql, parameters, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            var columns = new ReaderColumns(reader);
            var rows = new List<T>();
            while (await reader.ReadAsync())
            {
                rows.Add(read(columns));
            }

            return rows;
        });
    }

    /// <summary>
    /// The first row a statement returns, made by <paramref name="read"/> (<see cref="QueryRowsAsync"/>), or null: for the
    /// lookups correlation makes for every notification, which Microsoft.Data.Sqlite's reader and Dapper's mapping made
    /// two to three times as costly as SQLite's own work (~25 µs against ~10 µs each, timed in a drain).
    /// </summary>
    public static async Task<T?> QueryFirstRowAsync<T>(DbTransaction tx, string sql, Func<Columns, T> read, params (string Name, object? Value)[] parameters)
        where T : class =>
        (await QueryRowsAsync(tx, sql, read, parameters)).FirstOrDefault();

    /// <summary>The columns of the row a statement is on (<see cref="QueryRowsAsync"/>), by position.</summary>
    internal abstract class Columns
    {
        public abstract bool IsNull(int column);

        public abstract string Text(int column);

        public abstract long Integer(int column);

        public string? TextOrNull(int column) => IsNull(column) ? null : Text(column);

        public long? IntegerOrNull(int column) => IsNull(column) ? null : Integer(column);
    }

    private sealed class ReaderColumns(DbDataReader reader) : Columns
    {
        public override bool IsNull(int column) => reader.IsDBNull(column);

        public override string Text(int column) => reader.GetString(column);

        // PostgreSQL's integer columns (int4) are read as long too.
        public override long Integer(int column) => Convert.ToInt64(reader.GetValue(column), CultureInfo.InvariantCulture);
    }

    private sealed class SqliteColumns(sqlite3_stmt statement) : Columns
    {
        public override bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

        public override string Text(int column) => raw.sqlite3_column_text(statement, column).utf8_to_string();

        public override long Integer(int column) => raw.sqlite3_column_int64(statement, column);
    }

    /// <summary>
    /// Writes <paramref name="rows"/> with as few statements as parameters allow: <c>{head} VALUES (...), (...) {tail}</c>, a
    /// row's <paramref name="columns"/> values put in order by <paramref name="values"/>. Rows go in the order given, so
    /// the ids the database hands out follow it. Returns the rows affected.
    /// </summary>
    public static async Task<int> ExecuteRowsAsync<T>(DbTransaction tx, string head, string tail, int columns, IReadOnlyList<T> rows, Func<T, object?[]> values)
    {
        var perStatement = Math.Max(1, MaxParameters / columns);
        var affected = 0;
        for (var first = 0; first < rows.Count; first += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - first);
            var (sql, names) = RowStatements.GetOrAdd((head, tail, columns, count), BuildRowStatement);
            var parameters = new (string, object?)[names.Length];
            for (var row = 0; row < count; row++)
            {
                var value = values(rows[first + row]);
                for (var column = 0; column < columns; column++)
                {
                    parameters[(row * columns) + column] = (names[(row * columns) + column], value[column]);
                }
            }

            affected += await ExecuteAsync(tx, sql, parameters);
        }

        return affected;
    }

    private static (string Sql, string[] Names) BuildRowStatement((string Head, string Tail, int Columns, int Rows) shape)
    {
        var names = new string[shape.Rows * shape.Columns];
        var sql = new StringBuilder(shape.Head).Append(" VALUES ");
        for (var row = 0; row < shape.Rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < shape.Columns; column++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@r{row}c{column}");
                sql.Append(column == 0 ? "" : ", ").Append(name);
                names[(row * shape.Columns) + column] = name;
            }

            sql.Append(')');
        }

        return (sql.Append(' ').Append(shape.Tail).ToString(), names);
    }

    /// <summary>Parameters per multi-row statement: well below SQLite's limit (32,766) and PostgreSQL's (65,535).</summary>
    private const int MaxParameters = 500;

    private static async Task<TResult> RunAsync<TResult>(DbTransaction tx, string sql, (string Name, object? Value)[] parameters, Func<DbCommand, Task<TResult>> run)
    {
        var (command, owned) = Command(tx, sql, parameters);
        try
        {
            return await run(command);
        }
        finally
        {
            if (owned)
            {
                await command.DisposeAsync();
            }
        }
    }

    private static (DbCommand Command, bool Owned) Command(DbTransaction tx, string sql, (string Name, object? Value)[] parameters)
    {
        var connection = tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        Scopes.TryGetValue(connection, out var scope);
        var commands = scope?.Commands;
        DbCommand? command = null;
        if (commands is null || !commands.TryGetValue(sql, out command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }

            commands?.Add(sql, command);
        }

        command.Transaction = tx;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return (command, commands is null);
    }

    private static int ExecuteOnSqlite(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters, Action<Columns>? onRow = null)
    {
        Scopes.TryGetValue(connection, out var scope);
        SqliteStatement? statement = null;
        if (scope is null || !scope.Statements.TryGetValue(sql, out statement))
        {
            statement = SqliteStatement.Prepare(connection, sql, parameters);
            scope?.Statements.Add(sql, statement);
        }

        try
        {
            return statement.Execute(parameters, onRow);
        }
        finally
        {
            if (scope is null)
            {
                statement.Dispose();
            }
        }
    }

    /// <summary>
    /// A compiled SQLite statement whose parameters were looked up by name once, when it was compiled, and are bound by
    /// position from then on. Values are stored as Microsoft.Data.Sqlite stores them: text, integers (booleans as 0 and
    /// 1), reals, blobs and nulls.
    /// </summary>
    private sealed class SqliteStatement(sqlite3 db, sqlite3_stmt statement, int[] positions) : IDisposable
    {
        public static SqliteStatement Prepare(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
        {
            var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out string tail), db);
            var positions = parameters.Select(p => raw.sqlite3_bind_parameter_index(statement, p.Name)).ToArray();
            if (!string.IsNullOrWhiteSpace(tail) || positions.Contains(0) || positions.Distinct().Count() != raw.sqlite3_bind_parameter_count(statement))
            {
                statement.Dispose();
                throw new ArgumentException($"Expected one statement whose parameters are exactly {string.Join(", ", parameters.Select(p => p.Name))}: {sql}", nameof(sql));
            }

            return new SqliteStatement(db, statement, positions);
        }

        public int Execute((string Name, object? Value)[] parameters, Action<Columns>? onRow)
        {
            try
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    var position = positions[i];
                    SqliteException.ThrowExceptionForRC(parameters[i].Value switch
                    {
                        null or DBNull => raw.sqlite3_bind_null(statement, position),
                        string text => BindText(position, text),
                        long number => raw.sqlite3_bind_int64(statement, position, number),
                        int number => raw.sqlite3_bind_int64(statement, position, number),
                        bool flag => raw.sqlite3_bind_int64(statement, position, flag ? 1 : 0),
                        double number => raw.sqlite3_bind_double(statement, position, number),
                        byte[] bytes => raw.sqlite3_bind_blob(statement, position, bytes),
                        var other => throw new NotSupportedException($"{parameters[i].Name}: a {other.GetType().Name} is not bound here; pass text, a number or bytes."),
                    }, db);
                }

                int rc;
                var columns = onRow is null ? null : new SqliteColumns(statement);
                while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                {
                    onRow?.Invoke(columns!);
                }

                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                return raw.sqlite3_stmt_readonly(statement) != 0 ? -1 : raw.sqlite3_changes(db);
            }
            finally
            {
                raw.sqlite3_reset(statement);
            }
        }

        /// <summary>
        /// Binds text as UTF-8, the database's encoding: text bound as UTF-16 is converted by SQLite, character by
        /// character, each time a statement reads it (2-3 % of the processor's CPU in a drain profile).
        /// </summary>
        private int BindText(int position, string text)
        {
            var most = Encoding.UTF8.GetMaxByteCount(text.Length);
            byte[]? rented = null;
            var buffer = most <= 1024 ? stackalloc byte[most] : (rented = ArrayPool<byte>.Shared.Rent(most));
            try
            {
                var length = Encoding.UTF8.GetBytes(text, buffer);
                return raw.sqlite3_bind_text(statement, position, buffer[..length]);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        public void Dispose() => statement.Dispose();
    }

    private sealed class Scope(DbConnection connection) : IAsyncDisposable
    {
        public Dictionary<string, DbCommand> Commands { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SqliteStatement> Statements { get; } = new(StringComparer.Ordinal);

        public async ValueTask DisposeAsync()
        {
            Scopes.Remove(connection);
            foreach (var command in Commands.Values)
            {
                await command.DisposeAsync();
            }

            foreach (var statement in Statements.Values)
            {
                statement.Dispose();
            }

            Commands.Clear();
            Statements.Clear();
        }
    }
}
