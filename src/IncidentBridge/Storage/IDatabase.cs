namespace IncidentBridge.Storage;

/// <summary>
/// The one way into storage: an open, configured connection. Stores write plain SQL that
/// both providers understand; the provider owns connection setup and the migration scripts.
/// Where the dialects must differ (locking, for several replicas on one PostgreSQL database), the
/// difference is one of the small members below, named for what it guarantees.
/// </summary>
internal interface IDatabase
{
    StorageProvider Provider { get; }

    /// <summary>
    /// Appended to the row selection of a claim, so that replicas claiming at once skip each other's rows instead
    /// of claiming them twice: empty on SQLite (a single writer at a time), <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL.
    /// </summary>
    string SkipLocked { get; }

    /// <summary>
    /// Appended to a select that reads a row a transaction is about to decide on, so a second transaction that
    /// wants the same row waits for the first to commit: empty on SQLite (its write transactions are already
    /// serial), <c>FOR UPDATE</c> on PostgreSQL.
    /// </summary>
    string ForUpdate { get; }

    /// <summary>
    /// The condition "is one of the list <paramref name="parameter"/>" (e.g. <c>@Ids</c>, bound to an array): Dapper
    /// expands a list into <c>IN (@Ids1, @Ids2, ...)</c> on SQLite but sends it to Npgsql as one array parameter, which
    /// PostgreSQL matches with <c>= ANY(@Ids)</c>.
    /// </summary>
    string IsAnyOf(string parameter);

    /// <summary>
    /// The text of the top-level key <paramref name="key"/> (a constant, not user input) of the JSON object stored as
    /// text in <paramref name="column"/>, or NULL: <c>json_extract</c> on SQLite, <c>-&gt;&gt;</c> on PostgreSQL.
    /// </summary>
    string JsonText(string column, string key);

    /// <summary>
    /// Applies pending migrations, creating SQLite's file if needed (a PostgreSQL database is the operator's to create).
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A connection for work that is redone if its commit is lost: the inbox processor's, whose deliveries stay pending
    /// until the transaction that processed them commits. On SQLite its commits do not wait for the disk
    /// (<c>synchronous=NORMAL</c> in WAL mode): a power cut can lose the last of them, never corrupt the file, and the next
    /// commit that does wait (any webhook's, any tracker claim's) makes them durable with it. On PostgreSQL the same
    /// with <c>synchronous_commit=off</c>.
    /// </summary>
    Task<DbConnection> OpenForReplayableWorkAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A connection for the inbox's group commits, which answer their webhooks only after <see cref="SyncCommitsAsync"/>.
    /// On SQLite with <c>synchronous=FULL</c> its commits do not wait for the disk themselves (<c>synchronous=NORMAL</c>), so
    /// the write lock is not held through the <c>fsync</c>; the sync after the commit makes them as durable as FULL would
    /// have. Otherwise a connection like <see cref="OpenAsync"/>'s.
    /// </summary>
    Task<DbConnection> OpenForGroupCommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes every commit made so far durable: on SQLite with <c>synchronous=FULL</c>, an <c>fsync</c> of the WAL file,
    /// which holds every commit not yet checkpointed (a checkpoint syncs what it copies into the database file first).
    /// Nothing elsewhere: there a commit is durable when it returns.
    /// </summary>
    ValueTask SyncCommitsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits for this process's turn to write, in arrival order, and holds it until the turn is disposed: take it
    /// before beginning a write transaction and dispose it after the transaction. SQLite has one writer per file, and a
    /// writer that finds the file locked sleeps and polls in the busy handler, so a 202 waiting for its group commit
    /// could lose the inbox file's lock to the processor's claims and done marks again and again; with turns, each waits for at most the
    /// writers queued before it. On PostgreSQL writers lock rows, not the database, so the turn is granted at once.
    /// </summary>
    ValueTask<WriteTurn> WaitWriteTurnAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True while a writer of this process waits for its turn: a long transaction that can commit early (the inbox
    /// processor's) does so, and otherwise keeps going, since fewer, larger commits write fewer pages. Never on PostgreSQL.
    /// </summary>
    bool WriteTurnWanted { get; }

    /// <summary>
    /// True where several worker processes may process the inbox at once (PostgreSQL): each takes different order keys of
    /// it side by side (<c>InboxStore.ClaimDueAsync</c>), commits each delivery on its own, and correlation locks the keys it matches
    /// on (<see cref="LockInAsync"/>). False on SQLite, whose file has one processor.
    /// </summary>
    bool Shared { get; }

    /// <summary>
    /// Takes the transaction-level locks called <paramref name="names"/>, waiting for their holders, and holds them until
    /// <paramref name="tx"/> ends (or is rolled back to a savepoint taken before): <c>pg_advisory_xact_lock</c> on
    /// PostgreSQL, taken in one fixed order so that two transactions wanting overlapping sets do not deadlock over them.
    /// Nothing on SQLite, whose write transactions are serial already.
    /// </summary>
    Task LockInAsync(DbTransaction tx, IReadOnlyCollection<string> names);

    /// <summary>
    /// True when <paramref name="exception"/> says the database gave up on the statement because of another transaction
    /// (PostgreSQL's <c>deadlock_detected</c> or <c>serialization_failure</c>): rolled back, the same work may simply be
    /// done again. Never on SQLite.
    /// </summary>
    bool IsConflict(Exception exception);

    /// <summary>
    /// Takes the lock called <paramref name="name"/> for every process on this database, without waiting: null
    /// when another holder has it. Held until the handle is disposed, or until this process dies or loses its
    /// database session (the lock ends with it): a holder asks <see cref="IDatabaseLock.IsHeldAsync"/> before each
    /// effect or commit it makes under the lock. On SQLite, whose file belongs to one process, it is always granted.
    /// </summary>
    Task<IDatabaseLock?> TryLockAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A lock from <see cref="IDatabase.TryLockAsync"/>; disposing it releases the lock.</summary>
internal interface IDatabaseLock : IAsyncDisposable
{
    /// <summary>
    /// False once the lock is no longer certainly ours (on PostgreSQL: the session holding it ended or did not
    /// answer in time), and from then on: another holder may have it, so nothing more may be done or committed
    /// under it. One round trip on PostgreSQL; free on SQLite.
    /// </summary>
    ValueTask<bool> IsHeldAsync(CancellationToken cancellationToken);
}
