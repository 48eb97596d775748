using Microsoft.Data.Sqlite;

namespace IncidentBridge.Storage.Sqlite;

/// <summary>
/// Embedded storage: a SQLite file in WAL mode. Every connection sets <c>synchronous</c> (FULL by
/// default, so a commit that answered a webhook survives power loss) and a busy timeout. There are two files, each an
/// instance of this class with its own write turn and WAL to sync: the main one, and the inbox's next to it
/// (<see cref="InboxDatabase"/>), so storing webhooks and processing them never wait for each other's write lock.
/// </summary>
internal sealed partial class SqliteDatabase : IDatabase
{
    private readonly string _connectionString;
    private readonly string _migrations;
    private readonly string _pragmas;
    private readonly string _replayablePragmas;
    private readonly bool _syncEachCommit;
    private string? _walToSync;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly SemaphoreSlim _writeTurns = new(1, 1);
    private int _waitingForTurn;

    static SqliteDatabase()
    {
        // SQLite's default (serialized) mode locks a mutex around every call on a connection, and counts every allocation
        // under another: ~6 % of the processor's CPU. A connection here is only ever used by one thread at a time, so
        // multi-thread mode is as safe. Process-wide, and only taken before SQLite's first connection; refused (and
        // nothing changes) after it.
        SQLitePCL.Batteries_V2.Init();
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }

    /// <summary>The main file, <c>Storage:ConnectionString</c>.</summary>
    public SqliteDatabase(IOptions<StorageOptions> options, TimeProvider time, ILogger<SqliteDatabase> logger)
        : this(options.Value, options.Value.ConnectionString, Migrations.Main, cacheKiB: null, WorkCacheKiB, CheckpointPages, time, logger)
    {
    }

    /// <summary>
    /// The file of <paramref name="connectionString"/>, with <paramref name="storage"/>'s settings and the migration set
    /// <paramref name="migrations"/>; each connection's page cache at most <paramref name="cacheKiB"/> (null: SQLite's 2 MB),
    /// or <paramref name="workCacheKiB"/> while open for replayable work (null: the same);
    /// a commit checkpoints the WAL past <paramref name="checkpointPages"/> (null: SQLite's 1,000).
    /// </summary>
    public SqliteDatabase(StorageOptions storage, string connectionString, string migrations, int? cacheKiB, int? workCacheKiB, int? checkpointPages, TimeProvider time, ILogger<SqliteDatabase> logger)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        _connectionString = builder.ToString();
        _migrations = migrations;
        DataSource = builder.DataSource;
        var synchronous = storage.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL";
        // Set on every open, so a pooled connection never keeps the previous user's setting.
        // A commit that finds the WAL past wal_autocheckpoint pages copies it into the database file and syncs both, on
        // the committing thread (CheckpointPages says why the main file's is not SQLite's). journal_size_limit truncates a
        // WAL grown past twice that (a long reader holding it) when it starts over, so the file stays about that size.
        var checkpoints = checkpointPages is { } pages ? $" PRAGMA wal_autocheckpoint={pages}; PRAGMA journal_size_limit={pages * 4096L * 2};" : "";
        // Both opens set the page cache: they share one pool of connections.
        var common = $"PRAGMA busy_timeout={(int)storage.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON;{checkpoints}";
        _pragmas = $"PRAGMA synchronous={synchronous}; PRAGMA temp_store=DEFAULT; PRAGMA cache_size=-{cacheKiB ?? SqliteCacheKiB};{common}";
        // A savepoint (a delivery done again on its own) or a multi-row statement journals the pages it changes; past
        // 64 KB SQLite moves that sub-journal to a temporary file, which then grows for the rest of the batch's
        // transaction (seven times the bytes of the WAL in a strace of bench/profile.sh drain, when each delivery had a
        // savepoint). Kept in memory, it is ~120 KB for a 10-alert notification and is emptied at each release. Only
        // for this bounded work: elsewhere a large sort may spill.
        _replayablePragmas = $"PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-{workCacheKiB ?? cacheKiB ?? SqliteCacheKiB};{common}";
        _syncEachCommit = storage.Synchronous == SqliteSynchronous.Full;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// WAL pages (4 KB each) past which a commit to the main file checkpoints: 40 MB. At SQLite's 1,000 pages (4 MB) the
    /// processor copied the WAL into the database file and synced both every ~80 deliveries of a drain, holding the
    /// file's one writer: with this, and the copying done in the background (<see cref="WalCheckpointer"/>), a backlog
    /// drained ~20 % faster (bench/profile.sh drain's backlog, this machine's disk). The inbox file keeps SQLite's: its
    /// commits answer webhooks, and a 40 MB checkpoint there, in a commit or in the background, tripled their p99.
    /// </summary>
    internal const int CheckpointPages = 10_000;

    /// <summary>SQLite's own page cache per connection (<c>PRAGMA cache_size=-2000</c>: KiB).</summary>
    private const int SqliteCacheKiB = 2000;

    /// <summary>
    /// The main file's page cache while a connection does the processor's work: the incident, alert, timeline and event
    /// tables' indexes take new keys all over (fingerprints, hashes, group keys), and with SQLite's 2 MB a drain read many
    /// of their pages back from the OS. In the drain harness (a stored storm's backlog, interleaved runs) 4 MB drained ~4 %
    /// faster at ~3 MiB more peak RSS; 8 and 16 MB no faster, at ~10 and ~20 MiB more.
    /// </summary>
    internal const int WorkCacheKiB = 4096;

    public StorageProvider Provider => StorageProvider.Sqlite;

    /// <summary>Empty: a write transaction (BEGIN IMMEDIATE) already excludes every other writer.</summary>
    public string SkipLocked => "";

    /// <summary>Empty: a write transaction (BEGIN IMMEDIATE) already excludes every other writer.</summary>
    public string ForUpdate => "";

    public string DataSource { get; }

    public string IsAnyOf(string parameter) => $"IN {parameter}";

    public string JsonText(string column, string key) => $"json_extract({column}, '$.{key}')";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (!string.IsNullOrEmpty(directory) && DataSource != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        // WAL is a property of the file: set once, readers then never block the writer.
        var mode = await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA journal_mode=WAL", cancellationToken: cancellationToken));
        var applied = await Migrations.ApplyAsync(connection, Migrations.For(Provider, _migrations), _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        // The file as SQLite opened it (a relative path, a URI): its WAL is that name with "-wal". None in memory.
        var file = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT file FROM pragma_database_list WHERE name = 'main'", cancellationToken: cancellationToken));
        _walToSync = _syncEachCommit && mode == "wal" && !string.IsNullOrEmpty(file) ? file + "-wal" : null;
        LogReady(DataSource, mode, applied);
    }

    /// <summary>
    /// Moves the deliveries this file still holds from before the inbox had a file of its own (schema 13 and older)
    /// into <paramref name="inbox"/>, then drops them here. Two commits, the copy first: a crash between them leaves
    /// both copies, and the next start copies again (the rows already there are kept as they are) and drops.
    /// </summary>
    public async Task MoveInboxAsync(SqliteDatabase inbox, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var tables = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('deliveries', 'delivery_bodies')", cancellationToken: cancellationToken));
        if (tables == 0)
        {
            return;
        }

        const string columns = "seq, id, source, event_id, webhook_id, received_at, content_type, state, attempts, next_attempt_at, lease_owner, lease_until, last_error, processed_at, event_type, shard";
        await using (await inbox.AttachToAsync(connection, "inbox", cancellationToken))
        {
            long moved;
            await using (var copy = await connection.BeginTransactionAsync(cancellationToken))
            {
                moved = await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT OR IGNORE INTO inbox.deliveries ({columns}) SELECT {columns} FROM main.deliveries", transaction: copy, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT OR IGNORE INTO inbox.delivery_bodies (seq, body) SELECT seq, body FROM main.delivery_bodies", transaction: copy, cancellationToken: cancellationToken));
                await copy.CommitAsync(cancellationToken);
            }

            await using (var drop = await connection.BeginTransactionAsync(cancellationToken))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "DROP TABLE main.delivery_bodies; DROP TABLE main.deliveries", transaction: drop, cancellationToken: cancellationToken));
                await drop.CommitAsync(cancellationToken);
            }

            if (moved > 0)
            {
                // A new file's migrations make the tables too (the scripts are append-only), empty: nothing to tell.
                LogInboxMoved(moved, inbox.DataSource);
            }
        }
    }

    /// <summary>
    /// Attaches this file to <paramref name="connection"/>, a connection to another file, as <paramref name="schema"/>,
    /// until the returned scope is disposed: a pooled connection must go back without it, or an unqualified table name
    /// could resolve to this file's table for its next user.
    /// </summary>
    public async Task<IAsyncDisposable> AttachToAsync(DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition($"ATTACH DATABASE @Path AS {schema}", new { Path = DataSource }, cancellationToken: cancellationToken));
        return new Attached(connection, schema);
    }

    private sealed class Attached(DbConnection connection, string schema) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await connection.ExecuteAsync($"DETACH DATABASE {schema}");
    }

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(_pragmas, cancellationToken);

    public Task<DbConnection> OpenForReplayableWorkAsync(CancellationToken cancellationToken) => OpenAsync(_replayablePragmas, cancellationToken);

    private async Task<DbConnection> OpenAsync(string pragmas, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Copies what the WAL holds and no reader still needs into the database file, waiting for nobody (<see cref="WalCheckpointer"/>).</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(PASSIVE)", cancellationToken: cancellationToken));
    }

    public Task<DbConnection> OpenForGroupCommitAsync(CancellationToken cancellationToken) =>
        OpenAsync(_walToSync is null ? _pragmas : _replayablePragmas, cancellationToken);

    /// <summary>The WAL file <see cref="SyncCommitsAsync"/> flushes; null where commits sync themselves (before initialization too).</summary>
    public string? WalToSync => _walToSync;

    public ValueTask SyncCommitsAsync(CancellationToken cancellationToken)
    {
        if (_walToSync is null)
        {
            return ValueTask.CompletedTask;
        }

        try
        {
            // fsync is per file, not per descriptor: this flushes what SQLite's connections wrote to the WAL.
            FlushToDisk(_walToSync);
        }
        catch (FileNotFoundException)
        {
            // No WAL: the last connection closed and checkpointed it into the database file, which is synced instead.
            FlushToDisk(_walToSync[..^"-wal".Length]);
        }

        return ValueTask.CompletedTask;

        static void FlushToDisk(string path)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(handle);
        }
    }

    public bool WriteTurnWanted => Volatile.Read(ref _waitingForTurn) > 0;

    public async ValueTask<WriteTurn> WaitWriteTurnAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waitingForTurn);
        try
        {
            return await WriteTurn.WaitAsync(_writeTurns, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingForTurn);
        }
    }

    public bool Shared => false;

    public Task LockInAsync(DbTransaction tx, IReadOnlyCollection<string> names) => Task.CompletedTask;

    public bool IsConflict(Exception exception) => false;

    /// <summary>A SQLite file has one process (there are no replicas to keep apart): always granted.</summary>
    public Task<IDatabaseLock?> TryLockAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IDatabaseLock?>(NoLock.Instance);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Moved {Count} deliveries into the inbox's own file {InboxFile}")]
    private partial void LogInboxMoved(long count, string inboxFile);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "SQLite storage {DataSource} ready (journal {JournalMode}, {Applied} migrations applied)")]
    private partial void LogReady(string dataSource, string? journalMode, int applied);
}

/// <summary>The lock of a database that only one process uses: there is nobody to keep out.</summary>
internal sealed class NoLock : IDatabaseLock
{
    public static NoLock Instance { get; } = new();

    private NoLock()
    {
    }

    public ValueTask<bool> IsHeldAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
