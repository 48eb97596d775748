using Dapper;
using IncidentBridge.Inbox;
using Microsoft.Extensions.Hosting;

namespace IncidentBridge.Tests.Inbox;

/// <summary>Processed deliveries are deleted after Inbox:RetentionDays, in batches; dead letters and pending ones stay. On both providers.</summary>
public abstract class InboxRetentionTests(PostgresServer? postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private WorkerFactory _worker = null!;

    public Task InitializeAsync()
    {
        _worker = new WorkerFactory(postgres.Settings(), _time);
        _worker.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    public sealed class OnSqlite() : InboxRetentionTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : InboxRetentionTests(postgres);

    [Fact]
    public async Task Deliveries_processed_more_than_30_days_ago_are_deleted_in_batches_and_dead_letters_kept()
    {
        var old = InboxRetention.BatchSize * 2 + 7;
        await InsertAsync("old", DeliveryState.Done, processedAt: Start, count: old);
        await InsertAsync("dead", DeliveryState.Dead, processedAt: Start, count: 1);
        await InsertAsync("waiting", DeliveryState.Pending, processedAt: null, count: 1);
        await InsertAsync("recent", DeliveryState.Done, processedAt: Start.AddDays(29), count: 1);

        // The job runs hourly on the worker's clock: move it on an hour at a time until the old ones are gone.
        await Eventually.UntilAsync(
            async () =>
            {
                if (_time.GetUtcNow() < Start.AddDays(31))
                {
                    _time.Advance(TimeSpan.FromHours(_time.GetUtcNow() < Start.AddDays(30) ? 24 : 1));
                }

                return await _worker.CountAsync("deliveries", "id LIKE 'old-%'");
            },
            remaining => remaining == 0,
            "the deliveries processed 31 days ago are deleted");

        Assert.Equal(1, await _worker.CountAsync("deliveries", "id LIKE 'dead-%'"));
        Assert.Equal(1, await _worker.CountAsync("deliveries", "id LIKE 'waiting-%'"));
        Assert.Equal(1, await _worker.CountAsync("deliveries", "id LIKE 'recent-%'"));
        Assert.Equal(3, await _worker.CountAsync("delivery_bodies"));
        var metrics = PrometheusText.Parse(await _worker.CreateClient().GetStringAsync("/metrics"));
        Assert.Equal(old, metrics.Sum("incidentbridge_inbox_deliveries_deleted_total"));
    }

    [Fact]
    public async Task Deliveries_processed_within_the_retention_are_kept()
    {
        await InsertAsync("young", DeliveryState.Done, processedAt: Start, count: 3);
        _time.Advance(TimeSpan.FromDays(29));

        var deleted = await _worker.Service<IEnumerable<IHostedService>>().OfType<InboxRetention>().Single().DeleteExpiredAsync(CancellationToken.None);

        Assert.Equal(0, deleted);
        Assert.Equal(3, await _worker.CountAsync("deliveries", "id LIKE 'young-%'"));
    }

    // Inserted directly: what matters is each delivery's state and when it was processed.
    private async Task InsertAsync(string prefix, string state, DateTimeOffset? processedAt, int count)
    {
        await using var connection = await _worker.Inbox().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @Count)
            INSERT INTO deliveries (id, source, received_at, content_type, state, attempts, next_attempt_at, processed_at)
            SELECT @Prefix || '-' || CAST(i AS TEXT), 'alertmanager', @ReceivedAt, 'application/json', @State, 1, @NextAttemptAt, @ProcessedAt FROM n;
            INSERT INTO delivery_bodies (seq, body) SELECT seq, @Body FROM deliveries WHERE id LIKE @Prefix || '-%';
            """,
            new
            {
                Prefix = prefix,
                Count = count,
                ReceivedAt = Start.AddDays(-1).ToUnixTimeMilliseconds(),
                Body = "{}"u8.ToArray(),
                State = state,
                // A pending one is not due for years: the processor leaves it alone.
                NextAttemptAt = Start.AddYears(10).ToUnixTimeMilliseconds(),
                ProcessedAt = processedAt?.ToUnixTimeMilliseconds(),
            });
    }
}
