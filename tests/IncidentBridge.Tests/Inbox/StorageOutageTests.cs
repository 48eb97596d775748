using Microsoft.Data.Sqlite;

namespace IncidentBridge.Tests.Inbox;

public sealed class StorageOutageTests : IAsyncLifetime
{
    private readonly WorkerFactory _worker = new(new Dictionary<string, string?> { ["IncidentBridge:Storage:BusyTimeout"] = "00:00:00.200" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Delivery_that_cannot_be_stored_is_503_so_the_sender_retries()
    {
        var client = _worker.CreateClient();
        await client.GetAsync("/healthz");
        await using (var locker = new SqliteConnection($"Data Source={_worker.InboxPath};Pooling=False"))
        {
            await locker.OpenAsync();
            await using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            var refused = await client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString());

            await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        }

        var retried = await client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString());
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);

        // The refused delivery's group commit keeps waiting for the file after its 503, so it may still land once the
        // lock is gone; the sender's retry is then a repeat, and the alert is correlated once either way.
        await Eventually.UntilAsync(() => _worker.CountAsync("deliveries", "state <> 'done'"), pending => pending == 0, "the stored deliveries are processed");
        Assert.InRange(await _worker.CountAsync("deliveries"), 1, 2);
        Assert.Single(await new IncidentsClient(_worker).AllAsync());
        Assert.Equal(1, await _worker.CountAsync("alert_events"));
    }
}
