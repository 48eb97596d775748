namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// Writers of a SQLite file take turns at its single write lock (<see cref="IDatabase.WaitWriteTurnAsync"/>): a webhook's
/// group commit at the inbox file's, and the processor at the main file's, where, once another writer waits, it gives the
/// turn back within <c>Inbox:TransactionBudget</c>. Here a test holds a turn to stand for a long transaction.
/// </summary>
public sealed class WriteTurnTests
{
    private const string WebhookDeliveries = "incidentbridge_webhook_deliveries_total";
    private const string TransactionCount = "incidentbridge_inbox_process_transaction_size_count";
    private const string TransactionSum = "incidentbridge_inbox_process_transaction_size_sum";
    private const string WaitingForCommit = "incidentbridge_inbox_waiting_for_commit";

    // Only ever waited out to show that something did not happen.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Webhook_waits_for_the_write_turn_and_is_accepted_when_it_is_free()
    {
        await using var worker = new WorkerFactory();
        var client = worker.CreateClient();
        Task<HttpResponseMessage> post;
        using (await worker.Inbox().WaitWriteTurnAsync(CancellationToken.None))
        {
            post = client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString());
            await WaitingForCommitAsync(client, 1);
            await Task.Delay(Settle);
            Assert.False(post.IsCompleted, "the 202 must wait for its commit, which waits for the write turn");
        }

        Assert.Equal(HttpStatusCode.Accepted, (await post).StatusCode);
        Assert.Equal(1, await worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Sender_hanging_up_before_its_commit_is_counted_as_aborted_and_the_delivery_is_still_stored()
    {
        await using var worker = new WorkerFactory();
        var client = worker.CreateClient();
        using var hangUp = new CancellationTokenSource();
        Task<HttpResponseMessage> post;
        using (await worker.Inbox().WaitWriteTurnAsync(CancellationToken.None))
        {
            post = client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString(), cancellationToken: hangUp.Token);
            await WaitingForCommitAsync(client, 1);
            await hangUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
            await Eventually.UntilAsync(() => AlertmanagerDeliveriesAsync(client, "aborted"), count => count == 1, "the hang-up is counted as aborted");
        }

        await Eventually.UntilAsync(() => Deliveries.ListAsync(worker.CreateApiClient(), "done"), d => d.Count == 1, "the queued delivery is stored and processed");
        Assert.Equal(0, await AlertmanagerDeliveriesAsync(client, "accepted"));
    }

    [Fact]
    public async Task Processing_commits_after_each_budget_while_another_writer_waits_for_its_turn()
    {
        await using var worker = new WorkerFactory(Budget("00:00:00.0000001"));
        using var stop = new CancellationTokenSource();
        var database = worker.Service<IDatabase>();
        // Stands for a steady stream of other writers of the main file (API calls, jobs): the next one is in line for the
        // write turn before the last gives it back, so a writer waits at every moment, however the threads are scheduled.
        var webhooks = Task.Run(async () =>
        {
            var turn = await database.WaitWriteTurnAsync(CancellationToken.None);
            while (!stop.IsCancellationRequested)
            {
                var next = database.WaitWriteTurnAsync(CancellationToken.None);
                turn.Dispose();
                turn = await next;
            }

            turn.Dispose();
        });

        var processed = await PostFiveWhileTheTurnIsHeldAsync(worker);
        await stop.CancelAsync();
        await webhooks;

        var metrics = await processed.MetricsAsync();
        Assert.Equal(5, metrics.Sum(TransactionSum));
        Assert.Equal(5, metrics.Sum(TransactionCount));
    }

    [Fact]
    public async Task Processing_commits_a_claimed_batch_at_once_when_no_other_writer_waits()
    {
        await using var worker = new WorkerFactory(Budget("00:00:00.0000001"));

        var processed = await PostFiveWhileTheTurnIsHeldAsync(worker);

        var metrics = await processed.MetricsAsync();
        Assert.Equal(5, metrics.Sum(TransactionSum));
        Assert.InRange(metrics.Sum(TransactionCount), 1, 2);
    }

    private static async Task<double> AlertmanagerDeliveriesAsync(HttpClient client, string outcome) =>
        (await client.MetricsAsync()).Sum(WebhookDeliveries, ("source", "alertmanager"), ("outcome", outcome));

    private static Task WaitingForCommitAsync(HttpClient client, int requests) =>
        Eventually.UntilAsync(async () => (await client.MetricsAsync()).Sum(WaitingForCommit), waiting => waiting == requests, $"{requests} requests wait for their commit");

    private static Dictionary<string, string?> Budget(string budget) => new() { ["IncidentBridge:Inbox:TransactionBudget"] = budget };

    private static async Task<HttpClient> PostFiveWhileTheTurnIsHeldAsync(WorkerFactory worker)
    {
        var client = worker.CreateClient();
        Task<HttpResponseMessage[]> posts;
        using (await worker.Inbox().WaitWriteTurnAsync(CancellationToken.None))
        {
            posts = Task.WhenAll(Enumerable.Range(0, 5).Select(i => client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing($"service-{i}").ToString())));
            // All five queued before the turn is free, however slow the machine: no fixed delay to outrun.
            await WaitingForCommitAsync(client, 5);
        }

        Assert.All(await posts, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        await Eventually.UntilAsync(() => Deliveries.ListAsync(worker.CreateApiClient(), "done"), d => d.Count == 5, "all five are processed");
        return client;
    }
}
