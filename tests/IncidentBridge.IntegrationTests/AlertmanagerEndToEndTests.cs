namespace IncidentBridge.IntegrationTests;

/// <summary>A real Alertmanager notifies the worker through its webhook receiver, as in production.</summary>
public sealed class AlertmanagerEndToEndTests(ITestOutputHelper output)
{
    private const string GroupKey = "{}:{alertname=\"DiskFull\"}";

    [Fact]
    public async Task Alerts_sent_through_a_real_alertmanager_are_stored_and_processed()
    {
        using var timeout = TestTimeout.Start();
        await using var pipeline = await Pipeline.StartAsync(output, timeout.Token);

        var (startsAt, delivery, notification) = await FireAsync(pipeline, timeout.Token);

        Assert.Equal("alertmanager", delivery.Source);
        Assert.Equal(1, delivery.Attempts);
        Assert.NotNull(delivery.ProcessedAt);
        Assert.Null(delivery.LastError);
        Assert.Equal("4", notification.Version);
        Assert.Equal(GroupKey, notification.GroupKey);
        Assert.Equal(AlertmanagerProcess.Receiver, notification.Receiver);
        Assert.Equal(["pod-a", "pod-b"], notification.Alerts.Select(a => a.Labels["instance"]).Order());
        Assert.All(notification.Alerts, alert =>
        {
            Assert.Equal("firing", alert.Status);
            Assert.Equal("DiskFull", alert.Labels["alertname"]);
            Assert.Equal("checkout", alert.Labels["service"]);
            Assert.Equal(startsAt.ToUnixTimeSeconds(), alert.StartsAt.ToUnixTimeSeconds());
            Assert.False(string.IsNullOrEmpty(alert.Fingerprint));
        });
    }

    [Fact]
    public async Task Resolving_alerts_in_alertmanager_sends_a_resolved_notification()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        await using var pipeline = await Pipeline.StartAsync(output, ct);
        var (startsAt, _, firing) = await FireAsync(pipeline, ct);

        var endsAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        await pipeline.Alertmanager.PostAlertsAsync(DiskFull(startsAt, endsAt), ct);

        var (delivery, resolved) = await ProcessedNotificationAsync(pipeline, "resolved", ct);
        Assert.Equal(1, delivery.Attempts);
        Assert.Null(delivery.LastError);
        Assert.Equal(GroupKey, resolved.GroupKey);
        Assert.Equal(firing.Alerts.Select(a => a.Fingerprint).Order(), resolved.Alerts.Select(a => a.Fingerprint).Order());
        Assert.All(resolved.Alerts, alert =>
        {
            Assert.Equal("resolved", alert.Status);
            Assert.Equal(endsAt.ToUnixTimeSeconds(), alert.EndsAt.ToUnixTimeSeconds());
        });
        await AssertOneResolvedIncidentAsync(pipeline.Worker, ct);
    }

    /// <summary>The two alerts of one Alertmanager group are one incident, resolved once both are.</summary>
    private static async Task AssertOneResolvedIncidentAsync(WorkerProcess worker, CancellationToken ct)
    {
        using var list = System.Text.Json.JsonDocument.Parse(await worker.Api.GetStringAsync(new Uri("/api/incidents?status=all", UriKind.Relative), ct));
        var incident = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
        var id = incident.GetProperty("id").GetString();
        using var detail = System.Text.Json.JsonDocument.Parse(await worker.Api.GetStringAsync(new Uri($"/api/incidents/{id}", UriKind.Relative), ct));
        Assert.Equal("resolved", detail.RootElement.GetProperty("status").GetString());
        Assert.Equal("checkout", detail.RootElement.GetProperty("service").GetString());
        Assert.Equal(2, detail.RootElement.GetProperty("alerts").GetArrayLength());
        Assert.All(detail.RootElement.GetProperty("alerts").EnumerateArray(), a => Assert.Equal("resolved", a.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Alertmanager_with_a_wrong_token_is_refused_and_nothing_is_stored()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        await using var pipeline = await Pipeline.StartAsync(Secrets.NewToken(), Secrets.NewToken(), output, ct);
        var (worker, alertmanager) = (pipeline.Worker, pipeline.Alertmanager);

        await alertmanager.PostAlertsAsync(DiskFull(DateTimeOffset.UtcNow.AddMinutes(-1), endsAt: DateTimeOffset.UtcNow.AddMinutes(5)), ct);

        // Alertmanager does not retry a 4xx, so its failure counter is the sign it has tried and given up.
        await Eventually.UntilAsync(
            () => alertmanager.WebhookNotificationsAsync(failed: true, ct),
            failed => failed >= 1,
            "Alertmanager has counted a failed webhook notification",
            context: () => ProcessLogs.Format(worker, alertmanager),
            cancellationToken: ct);
        Assert.Empty(await worker.Deliveries.ListAsync("all", source: null, ct));
        var refused = (await worker.MetricsAsync(ct)).Sum("incidentbridge_webhook_deliveries_total", ("source", "alertmanager"), ("outcome", "unauthorized"));
        Assert.True(refused >= 1, $"The worker counted no unauthorized Alertmanager delivery.\n{ProcessLogs.Format(worker, alertmanager)}");
    }

    private static Dictionary<string, string> AlertmanagerSource(string token) =>
        new() { ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = token };

    private static PostableAlert[] DiskFull(DateTimeOffset startsAt, DateTimeOffset endsAt) =>
    [
        .. new[] { "pod-a", "pod-b" }.Select(instance => new PostableAlert(
            new Dictionary<string, string> { ["alertname"] = "DiskFull", ["service"] = "checkout", ["instance"] = instance },
            new Dictionary<string, string> { ["summary"] = $"Disk almost full on {instance}" },
            startsAt,
            endsAt,
            "http://x")),
    ];

    /// <summary>Posts both alerts firing since a minute ago, and waits until the worker has processed their notification.</summary>
    private static async Task<(DateTimeOffset StartsAt, DeliverySummary Delivery, AlertmanagerNotification Notification)> FireAsync(
        Pipeline pipeline, CancellationToken ct)
    {
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await pipeline.Alertmanager.PostAlertsAsync(DiskFull(startsAt, endsAt: DateTimeOffset.UtcNow.AddMinutes(5)), ct);
        var (delivery, notification) = await ProcessedNotificationAsync(pipeline, "firing", ct);
        return (startsAt, delivery, notification);
    }

    /// <summary>Waits until the worker has processed a notification with <paramref name="status"/> carrying both alerts.</summary>
    private static async Task<(DeliverySummary Delivery, AlertmanagerNotification Notification)> ProcessedNotificationAsync(
        Pipeline pipeline, string status, CancellationToken ct)
    {
        var (worker, alertmanager) = (pipeline.Worker, pipeline.Alertmanager);
        var processed = await Eventually.UntilAsync(
            () => worker.Deliveries.ProcessedAlertmanagerNotificationsAsync(ct),
            notifications => notifications.Any(n => Matches(n.Notification, status)),
            $"the worker has processed a '{status}' notification with both alerts",
            describe: notifications => string.Join("; ", notifications.Select(n => $"{n.Delivery} {n.Notification.Status} x{n.Notification.Alerts.Count}")),
            context: () => ProcessLogs.Format(worker, alertmanager),
            cancellationToken: ct);
        return processed.First(n => Matches(n.Notification, status));
    }

    private static bool Matches(AlertmanagerNotification notification, string status) =>
        notification.Status == status && notification.Alerts.Count == 2;

    /// <summary>A worker and a real Alertmanager pointed at its webhook, stopped together (Alertmanager first).</summary>
    private sealed class Pipeline(WorkerProcess worker, AlertmanagerProcess alertmanager) : IAsyncDisposable
    {
        public WorkerProcess Worker => worker;

        public AlertmanagerProcess Alertmanager => alertmanager;

        /// <summary>Alertmanager sends the token the worker accepts.</summary>
        public static Task<Pipeline> StartAsync(ITestOutputHelper output, CancellationToken ct)
        {
            var token = Secrets.NewToken();
            return StartAsync(token, token, output, ct);
        }

        public static async Task<Pipeline> StartAsync(string workerToken, string alertmanagerToken, ITestOutputHelper output, CancellationToken ct)
        {
            var worker = await WorkerProcess.StartAsync(AlertmanagerSource(workerToken), output, ct);
            try
            {
                return new Pipeline(worker, await AlertmanagerProcess.StartAsync(worker.AlertmanagerWebhookUrl, alertmanagerToken, output, ct));
            }
            catch
            {
                await worker.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await alertmanager.DisposeAsync();
            await worker.DisposeAsync();
        }
    }
}
