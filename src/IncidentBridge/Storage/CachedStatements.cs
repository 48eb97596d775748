using System.Runtime.CompilerServices;

namespace IncidentBridge.Storage;

/// <summary>
/// Commands kept for the statements the inbox processor runs for every alert. Microsoft.Data.Sqlite keeps a statement
/// compiled only as long as its command lives, and Dapper makes a command per call, so SQLite compiled every statement
/// anew: about as much CPU as running it, in a profile of the ingest benchmark (<c>bench/</c>). Within a
/// <see cref="KeepOn"/> scope on a connection, each statement gets one command, compiled once; elsewhere a command is
/// made and disposed per call, as Dapper does. Parameters are bound in the order given, which must be the same on every
/// call with the same SQL.
/// </summary>
internal static class CachedStatements
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Scopes = [];

    /// <summary>Keeps commands on <paramref name="connection"/> until the returned scope is disposed (before the connection).</summary>
    public static IAsyncDisposable KeepOn(DbConnection connection)
    {
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        Scopes.AddOrUpdate(connection, commands);
        return new Scope(connection, commands);
    }

    public static Task<int> ExecuteAsync(DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        RunAsync(tx, sql, parameters, command => command.ExecuteNonQueryAsync());

    /// <summary>The first row mapped by Dapper (columns by name, as its Query methods do), or default.</summary>
    public static Task<T?> QueryFirstOrDefaultAsync<T>(DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        RunAsync(tx, sql, parameters, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            return reader.Parse<T>().FirstOrDefault();
        });

    /// <summary>Every row, mapped by Dapper.</summary>
    public static Task<List<T>> QueryAsync<T>(DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        RunAsync(tx, sql, parameters, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            return reader.Parse<T>().ToList();
        });

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
            var parameters = new (string, object?)[count * columns];
            var sql = new StringBuilder(head).Append(" VALUES ");
            for (var row = 0; row < count; row++)
            {
                var value = values(rows[first + row]);
                sql.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < columns; column++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"@r{row}c{column}");
                    sql.Append(column == 0 ? "" : ", ").Append(name);
                    parameters[row * columns + column] = (name, value[column]);
                }

                sql.Append(')');
            }

            affected += await ExecuteAsync(tx, sql.Append(' ').Append(tail).ToString(), parameters);
        }

        return affected;
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
        Scopes.TryGetValue(connection, out var commands);
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

    private sealed class Scope(DbConnection connection, Dictionary<string, DbCommand> commands) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Scopes.Remove(connection);
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync();
            }

            commands.Clear();
        }
    }
}
