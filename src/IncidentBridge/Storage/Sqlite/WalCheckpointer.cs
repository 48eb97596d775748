namespace IncidentBridge.Storage.Sqlite;

/// <summary>
/// Copies what the main SQLite file's WAL holds into the database file every <see cref="Interval"/>, on a connection of
/// its own (<c>PRAGMA wal_checkpoint(PASSIVE)</c>: it waits for no reader or writer, and copies what none still reads).
/// Otherwise the commit that finds the WAL past <see cref="SqliteDatabase.CheckpointPages"/> copies all of it and syncs the
/// database file while holding the file's one writer, which is the inbox processor's most of the time: the processor
/// stopped for that long every ~600 deliveries of a drain. That commit still starts the WAL over (a WAL starts over only
/// at a write after a checkpoint that copied all of it), but copies only what came since the last pass here.
/// Paced by the machine's clock, not the worker's <see cref="TimeProvider"/>: it is housekeeping of the file, not a
/// business rule, and a test clock moved on by days would run it once for every 100 ms of them.
/// </summary>
internal sealed partial class WalCheckpointer(IDatabase database, ILogger<WalCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database is not SqliteDatabase file)
        {
            return;
        }

        var failing = false;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await file.CheckpointAsync(stoppingToken);
                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Commits checkpoint themselves past CheckpointPages meanwhile; said once, not ten times a second.
                    if (!failing)
                    {
                        LogFailed(file.DataSource, ex);
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Could not checkpoint the WAL of {DataSource}; commits checkpoint it themselves past 40 MB meanwhile")]
    private partial void LogFailed(string dataSource, Exception exception);
}
