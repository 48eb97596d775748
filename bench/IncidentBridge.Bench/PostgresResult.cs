namespace IncidentBridge.Bench;

/// <summary><c>--postgres</c>: the same Alertmanager storm on PostgreSQL, with one worker and with two sharing the database.</summary>
internal sealed record PostgresResults
{
    public required PostgresRun OneWorker { get; init; }

    public required PostgresRun TwoWorkers { get; init; }
}

/// <summary>One PostgreSQL run: a fresh cluster, <see cref="Workers"/> worker processes on one new database, one load.</summary>
internal sealed record PostgresRun
{
    public required int Workers { get; init; }

    public required PostgresServerInfo Server { get; init; }

    /// <summary>Counters and CPU summed over the workers; each worker's share in <see cref="IngestResult.Workers"/>.</summary>
    public required IngestResult Ingest { get; init; }

    /// <summary>wrk connections each worker had (wrk's connections split evenly by thread).</summary>
    public required int ConnectionsPerWorker { get; init; }

    /// <summary>Each worker's exit code after SIGTERM, in start order.</summary>
    public required IReadOnlyList<int> ExitCodes { get; init; }
}

/// <summary>What the server was: its version, the settings that decide what a commit costs, and where its files were.</summary>
/// <param name="Settings">From <c>SHOW</c>: fsync, synchronous_commit, full_page_writes, wal_sync_method, shared_buffers, max_wal_size.</param>
/// <param name="FileSystem">The file system type and device of its data directory (from /proc/mounts).</param>
internal sealed record PostgresServerInfo(string Version, IReadOnlyDictionary<string, string> Settings, string FileSystem);
