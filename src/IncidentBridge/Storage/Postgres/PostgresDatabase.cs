using Npgsql;

namespace IncidentBridge.Storage.Postgres;

/// <summary>
/// Shared storage: one PostgreSQL database for every replica. Connections come from one pooled
/// <see cref="NpgsqlDataSource"/>, disposed with the host; the advisory locks are held on connections of their own,
/// outside the pool (<see cref="PostgresAdvisoryLock"/>). The database itself is the operator's to create;
/// the schema is ours, migrated on start under an advisory lock so replicas starting together apply each
/// migration once.
/// </summary>
internal sealed partial class PostgresDatabase : IDatabase, IAsyncDisposable, IDisposable
{
    private const string MigrationLock = "migrations";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _replayableDataSource;
    private readonly NpgsqlDataSource _lockDataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresDatabase> _logger;

    public PostgresDatabase(IOptions<StorageOptions> options, TimeProvider time, ILogger<PostgresDatabase> logger)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        if (connection.MaxAutoPrepare == 0)
        {
            // The processor runs the same few statements for every alert: prepared once per pooled connection, the
            // server stops parsing and planning each one again. A connection string that sets its own keeps it.
            connection.MaxAutoPrepare = 64;
        }

        _dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        // The processor commits each delivery on its own: not waiting for the WAL flush, a commit costs a round trip
        // and no disk wait. A crash loses at most the last few of them (their deliveries stay pending, and are processed
        // again), and any later commit that does wait flushes them with it (the WAL is written in order).
        _replayableDataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection.ConnectionString)
        {
            Options = $"{connection.Options} -c synchronous_commit=off".Trim(),
        }.ConnectionString);
        _lockDataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(options.Value.ConnectionString) { Pooling = false });
        _time = time;
        _logger = logger;
    }

    public StorageProvider Provider => StorageProvider.Postgres;

    public string SkipLocked => "FOR UPDATE SKIP LOCKED";

    public string ForUpdate => "FOR UPDATE";

    public string IsAnyOf(string parameter) => $"= ANY({parameter})";

    public string JsonText(string column, string key) => $"({column}::jsonb ->> '{key}')";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _lockDataSource.OpenConnectionAsync(cancellationToken);
        // A session lock, not a transaction one: each migration commits in a transaction of its own, and the
        // replica that waited here must see them all applied before it reads schema_migrations.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@Key)", new { Key = AdvisoryLockKey.For(MigrationLock) }, cancellationToken: cancellationToken));
        int applied;
        try
        {
            applied = await Migrations.ApplyAsync(connection, Migrations.For(Provider), _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
        finally
        {
            await PostgresAdvisoryLock.UnlockAsync(connection, AdvisoryLockKey.For(MigrationLock));
        }

        LogReady(connection.Host ?? "", connection.Database, connection.PostgreSqlVersion.ToString(), applied);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<DbConnection> OpenForReplayableWorkAsync(CancellationToken cancellationToken) => await _replayableDataSource.OpenConnectionAsync(cancellationToken);

    public Task<DbConnection> OpenForGroupCommitAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    public ValueTask SyncCommitsAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<WriteTurn> WaitWriteTurnAsync(CancellationToken cancellationToken) => ValueTask.FromResult(WriteTurn.Granted);

    public bool WriteTurnWanted => false;

    public bool Shared => true;

    public Task LockInAsync(DbTransaction tx, IReadOnlyCollection<string> names)
    {
        // In ascending order of key, one statement: unnest yields the array's elements in order, and each lock is taken
        // as its row is produced, so every transaction climbs the same ladder and none holds a higher rung while it
        // waits for a lower one.
        var keys = names.Select(AdvisoryLockKey.For).Distinct().Order().ToArray();
        return keys.Length == 0
            ? Task.CompletedTask
            : CachedStatements.ExecuteAsync(tx, "SELECT COUNT(pg_advisory_xact_lock(k)) FROM unnest(@Keys) AS k", ("@Keys", keys));
    }

    public bool IsConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public async Task<IDatabaseLock?> TryLockAsync(string name, CancellationToken cancellationToken)
    {
        var key = AdvisoryLockKey.For(name);
        var connection = await _lockDataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@Key)", new { Key = key }, cancellationToken: cancellationToken)))
            {
                return new PostgresAdvisoryLock(connection, name, key, _logger);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _lockDataSource.DisposeAsync();
        await _replayableDataSource.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    public void Dispose()
    {
        _lockDataSource.Dispose();
        _replayableDataSource.Dispose();
        _dataSource.Dispose();
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "PostgreSQL storage {Host}/{Database} ready (server {ServerVersion}, {Applied} migrations applied)")]
    private partial void LogReady(string host, string database, string serverVersion, int applied);
}
