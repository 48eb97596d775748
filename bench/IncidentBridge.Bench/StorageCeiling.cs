using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace IncidentBridge.Bench;

/// <summary>
/// The storage ceiling of one ingest run: how fast the worker's own SQLite inbox file, with the worker's pragmas (WAL,
/// <c>synchronous=FULL</c>), commits deliveries of the run's body size in groups of the run's measured group commit,
/// with no HTTP, no parsing and no other work: what the inbox could take if storing were all it did.
/// </summary>
internal sealed record StorageCeilingResult(string Run, double GroupSize, int Commits, int Deliveries, double BodyBytes, double Seconds, double BenchCpuSeconds)
{
    public double DeliveriesPerSecond => Deliveries / Seconds;

    public double CommitsPerSecond => Commits / Seconds;
}

internal static class StorageCeiling
{
    /// <summary>
    /// Commits for <paramref name="duration"/> into <paramref name="databasePath"/> (a file the worker made and has
    /// stopped using: its schema, indexes and rows), with the statements the worker's inbox writer runs. Groups
    /// alternate between the two whole sizes around <paramref name="run"/>'s mean, so their mean is the run's.
    /// </summary>
    public static async Task<StorageCeilingResult> MeasureAsync(IngestResult run, string databasePath, TimeSpan duration, CancellationToken cancellationToken)
    {
        var bodies = Enumerable.Range(0, 256).Select(i => PaddedBody(AlertmanagerPayloads.Notification(run: 900, number: i), (int)run.BodyBytes)).ToArray();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;", cancellationToken);

        await using var delivery = connection.CreateCommand();
        delivery.CommandText = """
            INSERT INTO deliveries (id, source, event_id, webhook_id, event_type, received_at, content_type, state, attempts, next_attempt_at)
            VALUES ($id, 'alertmanager', NULL, NULL, NULL, $now, 'application/json', 'pending', 0, $now)
            ON CONFLICT DO NOTHING
            RETURNING seq
            """;
        var id = delivery.Parameters.Add("$id", SqliteType.Text);
        var now = delivery.Parameters.Add("$now", SqliteType.Integer);
        await using var body = connection.CreateCommand();
        body.CommandText = "INSERT INTO delivery_bodies (seq, body) VALUES ($seq, $body)";
        var seq = body.Parameters.Add("$seq", SqliteType.Integer);
        var bytes = body.Parameters.Add("$body", SqliteType.Blob);

        var mean = Math.Max(1, run.CommitBatchMean);
        var (commits, deliveries) = (0, 0);
        var cpu = ProcStats.OwnCpuSeconds();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var group = (int)Math.Floor(mean * (commits + 1)) - (int)Math.Floor(mean * commits);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            delivery.Transaction = body.Transaction = (SqliteTransaction)transaction;
            for (var i = 0; i < group; i++, deliveries++)
            {
                id.Value = Guid.CreateVersion7().ToString();
                now.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                seq.Value = await delivery.ExecuteScalarAsync(cancellationToken);
                bytes.Value = bodies[deliveries % bodies.Length];
                await body.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            commits++;
        }

        return new StorageCeilingResult(run.Name, mean, commits, deliveries, run.BodyBytes, clock.Elapsed.TotalSeconds, ProcStats.OwnCpuSeconds() - cpu);
    }

    /// <summary>A notification like wrk's, padded with spaces (still JSON) to the size the run measured.</summary>
    private static byte[] PaddedBody(string json, int size) =>
        System.Text.Encoding.UTF8.GetBytes(json.Length >= size ? json : json + new string(' ', size - json.Length));

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
