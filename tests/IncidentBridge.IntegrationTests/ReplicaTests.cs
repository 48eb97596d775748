namespace IncidentBridge.IntegrationTests;

/// <summary>
/// Two worker processes on one PostgreSQL database (<c>IncidentBridge:Storage:Provider=Postgres</c>): a replica
/// killed with SIGKILL mid-work loses nothing, and the clustered scheduler fires each trigger on one replica.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Replica_killed_mid_work_loses_nothing_the_other_finishes_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        var token = Secrets.NewToken();
        var connectionString = postgres.CreateDatabase();
        var database = new PostgresWorkerDatabase(connectionString);
        var settings = Settings(connectionString, token);
        // Large batches for the victim, so that it holds many claimed deliveries at a time.
        await using var victim = await WorkerProcess.StartAsync(new Dictionary<string, string>(settings) { ["IncidentBridge__Inbox__ProcessBatchSize"] = "500" }, output, ct);
        await using var survivor = await WorkerProcess.StartAsync(settings, output, ct);

        var posting = PostUntilCancelledAsync(victim, token, ct);
        await Eventually.UntilAsync(
            () => database.PendingLeasedByAsync(victim.ProcessId, ct), leased => leased > 0, "the victim holds claimed deliveries",
            TimeSpan.FromSeconds(60), context: () => ProcessLogs.Format(victim, survivor), cancellationToken: ct);
        await victim.KillAsync();
        var accepted = await posting;
        var survivorAccepted = await PostAsync(survivor, token, accepted.Count, 20, ct);

        var all = accepted.Concat(survivorAccepted).ToList();
        var stored = await Eventually.UntilAsync(
            () => database.DeliveriesAsync(ct), rows => rows.All(r => r.State != "pending"), "the survivor has processed every stored delivery",
            TimeSpan.FromSeconds(60), rows => $"{rows.Count(r => r.State == "pending")} pending", () => ProcessLogs.Format(survivor), ct);
        // The victim may have stored a delivery whose 202 it never sent (its sender retries): more stored than accepted is fine.
        var done = stored.Where(r => r.State == "done").ToDictionary(r => r.Id, r => r.Attempts);
        Assert.Equal(stored.Count, done.Count);
        Assert.All(all, id => Assert.True(done.ContainsKey(id), $"accepted delivery {id} was not processed"));
        Assert.Contains(done.Values, attempts => attempts > 1);
        var events = await database.AlertEventsByDeliveryAsync(ct);
        Assert.All(done.Keys, id => Assert.Equal(AlertsPerDelivery, events.GetValueOrDefault(id)));
    }

    [Fact]
    public async Task Clustered_scheduler_fires_each_trigger_on_one_replica()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = timeout.Token;
        var connectionString = postgres.CreateDatabase();
        var settings = new Dictionary<string, string>(Settings(connectionString, Secrets.NewToken()))
        {
            // Every 2 s, so a window of a few seconds holds several fires.
            ["IncidentBridge__Jobs__StatusSync__Cron"] = "0/2 * * * * ?",
        };
        await using var first = await WorkerProcess.StartAsync(settings, output, ct);
        await using var second = await WorkerProcess.StartAsync(settings, output, ct);
        await Eventually.UntilAsync(
            () => new PostgresWorkerDatabase(connectionString).ClusterNodesAsync("IncidentBridge", ct), nodes => nodes == 2, "both schedulers have joined the cluster",
            context: () => ProcessLogs.Format(first, second), cancellationToken: ct);

        var before = await StatusSyncRunsAsync([first, second], ct);
        var started = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(
            () => Task.FromResult(DateTimeOffset.UtcNow - started), elapsed => elapsed >= TimeSpan.FromSeconds(10), "ten seconds have passed", cancellationToken: ct);
        var runs = await StatusSyncRunsAsync([first, second], ct) - before;

        // Five fires in ten seconds (one more or less at the edges of the window); on both replicas it would be ten.
        Assert.InRange(runs, 4, 6);
    }

    private const int AlertsPerDelivery = 10;

    private static Dictionary<string, string> Settings(string connectionString, string token) => new()
    {
        ["IncidentBridge__Storage__Provider"] = "Postgres",
        ["IncidentBridge__Storage__ConnectionString"] = connectionString,
        ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = token,
        // Short, so the survivor takes over the victim's claims within the test.
        ["IncidentBridge__Inbox__LeaseDuration"] = "00:00:03",
        ["IncidentBridge__Inbox__PollInterval"] = "00:00:00.200",
    };

    /// <summary>Posts deliveries, 20 at a time, until the worker stops answering; returns the ids it accepted (202).</summary>
    private static async Task<List<string>> PostUntilCancelledAsync(WorkerProcess worker, string token, CancellationToken cancellationToken)
    {
        var accepted = new List<string>();
        for (var round = 0; round < 200; round++)
        {
            try
            {
                accepted.AddRange(await PostAsync(worker, token, round * 20, 20, cancellationToken));
            }
            catch (HttpRequestException)
            {
                // Killed: what it answered 202 before is stored; nothing after was accepted.
                break;
            }
        }

        return accepted;
    }

    private static async Task<List<string>> PostAsync(WorkerProcess worker, string token, int first, int count, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(Enumerable.Range(first, count).Select(async i =>
        {
            using var response = await worker.PostAlertmanagerAsync(token, Notification(worker.ProcessId, i), cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return null;
            }

            return (await response.Content.ReadFromJsonAsync<DeliveryAccepted>(Json.Options, cancellationToken))?.DeliveryId;
        }));
        return answers.OfType<string>().ToList();
    }

    private static AlertmanagerNotification Notification(int worker, int number)
    {
        var service = $"service-{worker}-{number}";
        var alerts = Enumerable.Range(0, AlertsPerDelivery).Select(a => new NotifiedAlert(
            "firing",
            new Dictionary<string, string> { ["alertname"] = "HighErrorRate", ["service"] = service, ["instance"] = $"pod-{a}" },
            new Dictionary<string, string> { ["summary"] = $"Errors on pod-{a}" },
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.MinValue,
            "http://x",
            $"{worker:x8}{number:x8}{a:x4}")).ToList();
        return new AlertmanagerNotification(
            "incidentbridge",
            "firing",
            alerts,
            new Dictionary<string, string> { ["service"] = service },
            new Dictionary<string, string> { ["alertname"] = "HighErrorRate", ["service"] = service },
            new Dictionary<string, string>(),
            "http://alertmanager.local",
            "4",
            $"{{}}:{{service=\"{service}\"}}",
            0);
    }

    private static async Task<double> StatusSyncRunsAsync(IReadOnlyList<WorkerProcess> workers, CancellationToken cancellationToken)
    {
        var total = 0.0;
        foreach (var worker in workers)
        {
            total += (await worker.MetricsAsync(cancellationToken)).Sum("incidentbridge_job_runs_total", ("job", "status-sync"));
        }

        return total;
    }
}
