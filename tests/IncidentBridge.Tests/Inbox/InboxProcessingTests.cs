namespace IncidentBridge.Tests.Inbox;

/// <summary>The inbox on both providers: <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.</summary>
public abstract class InboxProcessingTests(PostgresServer? postgres) : IAsyncLifetime
{
    private readonly WorkerFactory _worker = new(postgres.Settings());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Fifty_concurrent_deliveries_are_all_accepted_and_processed_once()
    {
        var client = _worker.CreateClient();
        var posts = Enumerable.Range(0, 50)
            .Select(i => client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing($"service-{i}").WithAlerts(2).ToString()));

        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(r => r.DeliveryIdAsync()));
        Assert.Equal(50, ids.Distinct().Count());
        var api = _worker.CreateApiClient();
        var done = await Eventually.UntilAsync(() => Deliveries.ListAsync(api, "done"), d => d.Count == 50, "all 50 deliveries are processed");
        Assert.All(done, d => Assert.Equal(1, d.GetProperty("attempts").GetInt64()));
        Assert.Equal(100, await _worker.CountAsync("alert_events"));
    }

    [Fact]
    public async Task Concurrent_deliveries_share_commits()
    {
        var client = _worker.CreateClient();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing($"s{i}").ToString())));

        var metrics = await client.MetricsAsync();
        var commits = metrics.Sum("incidentbridge_inbox_commit_batch_size_count");
        Assert.Equal(50, metrics.Sum("incidentbridge_inbox_commit_batch_size_sum"));
        Assert.InRange(commits, 1, 49);
    }

    public sealed class OnSqlite() : InboxProcessingTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : InboxProcessingTests(postgres);
}
