using CorrelationKey = IncidentBridge.Correlation.CorrelationKey;

namespace IncidentBridge.IntegrationTests;

/// <summary>
/// A real Alertmanager both pages PagerDuty through its own PagerDuty integration (a fake of the Events API v2) and
/// notifies the worker; PagerDuty's webhook about the page that follows joins the alert's incident.
/// </summary>
public sealed class AlertmanagerPagerDutyEndToEndTests(ITestOutputHelper output)
{
    private const string PagerDutyIncidentId = "Q2AMPAGE7";

    [Fact]
    public async Task Alert_paged_through_alertmanagers_pagerduty_integration_and_sent_to_incidentbridge_is_one_incident()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        var token = Secrets.NewToken();
        var signingSecret = Secrets.NewToken();
        await using var pagerDuty = await FakePagerDutyEvents.StartAsync(ct);
        await using var worker = await WorkerProcess.StartAsync(Sources(token, signingSecret), output, ct);
        await using var alertmanager = await AlertmanagerProcess.StartAsync(worker.AlertmanagerWebhookUrl, token, output, ct, pagerDuty);
        string Logs() => ProcessLogs.Format(worker, alertmanager, pagerDuty);

        await alertmanager.PostAlertsAsync([DiskFull()], ct);

        var page = await PageAsync(pagerDuty, Logs, ct);
        var notification = await FiringNotificationAsync(worker, Logs, ct);
        Assert.Equal("trigger", page.EventAction);
        Assert.Equal(pagerDuty.RoutingKey, page.RoutingKey);
        // What the correlation relies on: if Alertmanager ever derives its dedup key differently, this says so first.
        Assert.Equal(CorrelationKey.PagerDutyDedupKey(notification.GroupKey), page.DedupKey);
        var alertIncident = Assert.Single(await IncidentIdsAsync(worker, ct));

        var triggered = PagerDutyEvent.Of("incident.triggered")
            .ForIncident(PagerDutyIncidentId)
            .WithIncidentKey(page.DedupKey)
            .At(DateTimeOffset.UtcNow)
            .ToString();
        using (var response = await worker.PostPagerDutyAsync(signingSecret, triggered, ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await Eventually.UntilAsync(
            () => worker.Deliveries.ListAsync("done", "pagerduty", ct),
            done => done.Count == 1,
            "the worker has processed the PagerDuty webhook",
            describe: done => $"{done.Count} processed",
            context: Logs,
            cancellationToken: ct);
        Assert.Equal(alertIncident, Assert.Single(await IncidentIdsAsync(worker, ct)));
        var sources = await SourcesAsync(worker, alertIncident, ct);
        Assert.Contains(("alertmanager", notification.GroupKey), sources);
        Assert.Contains(("pagerduty", PagerDutyIncidentId), sources);
    }

    [Fact]
    public async Task Example_alertmanager_config_pages_pagerduty_with_the_hash_of_the_group_key_incidentbridge_receives()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        var token = Secrets.NewToken();
        await using var pagerDuty = await FakePagerDutyEvents.StartAsync(ct);
        await using var worker = await WorkerProcess.StartAsync(Sources(token, Secrets.NewToken()), output, ct);
        await using var alertmanager = await AlertmanagerProcess.StartAsync(ExampleConfig(worker.AlertmanagerWebhookUrl, token, pagerDuty), output, ct);
        string Logs() => ProcessLogs.Format(worker, alertmanager, pagerDuty);

        await alertmanager.PostAlertsAsync([DiskFull()], ct);

        var page = await PageAsync(pagerDuty, Logs, ct);
        var notification = await FiringNotificationAsync(worker, Logs, ct);
        Assert.Equal(pagerDuty.RoutingKey, page.RoutingKey);
        Assert.Equal(CorrelationKey.PagerDutyDedupKey(notification.GroupKey), page.DedupKey);
    }

    /// <summary>
    /// <c>config/alertmanager.example.yml</c> as the README offers it, with its placeholders filled in, PagerDuty's
    /// address pointed at the fake and its 30 s <c>group_wait</c> cut to 1 s.
    /// </summary>
    private static string ExampleConfig(Uri webhookUrl, string bearerToken, FakePagerDutyEvents pagerDuty)
    {
        var example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "alertmanager.example.yml"));
        Assert.DoesNotContain("\nglobal:", "\n" + example, StringComparison.Ordinal);
        example = Filled(example, "http://incidentbridge.example.internal:8080/webhooks/alertmanager", webhookUrl.ToString());
        example = Filled(example, "replace-with-a-long-random-token", bearerToken);
        example = Filled(example, "replace-with-the-pagerduty-integration-key", pagerDuty.RoutingKey);
        example = Filled(example, "group_wait: 30s", "group_wait: 1s");
        return $"global:\n  pagerduty_url: '{pagerDuty.EnqueueUrl}'\n{example}";
    }

    private static string Filled(string text, string placeholder, string value)
    {
        Assert.Contains(placeholder, text, StringComparison.Ordinal);
        return text.Replace(placeholder, value, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Sources(string bearerToken, string signingSecret) => new()
    {
        ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = bearerToken,
        ["IncidentBridge__Sources__PagerDuty__SigningSecrets__0"] = signingSecret,
    };

    private static PostableAlert DiskFull() => new(
        new Dictionary<string, string> { ["alertname"] = "DiskFull", ["service"] = "checkout", ["severity"] = "critical" },
        new Dictionary<string, string> { ["summary"] = "Disk almost full on checkout-db" },
        DateTimeOffset.UtcNow.AddMinutes(-1),
        DateTimeOffset.UtcNow.AddMinutes(5),
        "http://x");

    /// <summary>The first event Alertmanager sent to PagerDuty's Events API.</summary>
    private static async Task<PagerDutyEnqueue> PageAsync(FakePagerDutyEvents pagerDuty, Func<string> logs, CancellationToken ct)
    {
        var received = await Eventually.UntilAsync(
            () => Task.FromResult(pagerDuty.Received),
            events => events.Count > 0,
            "Alertmanager has paged PagerDuty",
            describe: events => $"{events.Count} received",
            context: logs,
            cancellationToken: ct);
        return received[0];
    }

    /// <summary>The firing notification the worker received and processed, with the group key it stored.</summary>
    private static async Task<AlertmanagerNotification> FiringNotificationAsync(WorkerProcess worker, Func<string> logs, CancellationToken ct)
    {
        var processed = await Eventually.UntilAsync(
            () => worker.Deliveries.ProcessedAlertmanagerNotificationsAsync(ct),
            notifications => notifications.Any(n => n.Notification.Status == "firing"),
            "the worker has processed a firing notification",
            describe: notifications => $"{notifications.Count} processed",
            context: logs,
            cancellationToken: ct);
        return processed.First(n => n.Notification.Status == "firing").Notification;
    }

    private static async Task<IReadOnlyList<string>> IncidentIdsAsync(WorkerProcess worker, CancellationToken ct)
    {
        using var list = JsonDocument.Parse(await worker.Api.GetStringAsync(new Uri("/api/incidents?status=all", UriKind.Relative), ct));
        return [.. list.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString() ?? "")];
    }

    private static async Task<IReadOnlyList<(string Kind, string Key)>> SourcesAsync(WorkerProcess worker, string incidentId, CancellationToken ct)
    {
        using var detail = JsonDocument.Parse(await worker.Api.GetStringAsync(new Uri($"/api/incidents/{incidentId}", UriKind.Relative), ct));
        return [.. detail.RootElement.GetProperty("sources").EnumerateArray()
            .Select(s => (s.GetProperty("kind").GetString() ?? "", s.GetProperty("key").GetString() ?? ""))];
    }
}
