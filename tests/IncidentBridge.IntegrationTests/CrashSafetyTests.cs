namespace IncidentBridge.IntegrationTests;

/// <summary>A delivery answered 202 survives the worker being killed (kill -9) and is processed once after restart.</summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Delivery_accepted_before_a_crash_is_processed_after_restart()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        using var data = TempDirectory.Create("crash");
        var token = Secrets.NewToken();
        var source = new Dictionary<string, string> { ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = token };
        string deliveryId;
        await using (var first = await WorkerProcess.StartAsync(
            new Dictionary<string, string>(source) { ["IncidentBridge__Inbox__ProcessingEnabled"] = "false" }, output, ct, data.Path))
        {
            using var response = await first.PostAlertmanagerAsync(token, FiringNotification(), ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var accepted = await response.Content.ReadFromJsonAsync<DeliveryAccepted>(Json.Options, ct);
            Assert.NotNull(accepted);
            Assert.False(accepted.Duplicate);
            deliveryId = accepted.DeliveryId;
            var stored = await first.Deliveries.GetAsync(deliveryId, ct);
            Assert.Equal("pending", stored.Delivery.State);
            Assert.Equal(0, stored.Delivery.Attempts);

            await first.KillAsync();
        }

        await using var restarted = await WorkerProcess.StartAsync(source, output, ct, data.Path);

        var processed = await Eventually.UntilAsync(
            () => restarted.Deliveries.GetAsync(deliveryId, ct),
            detail => detail.Delivery.State == "done",
            $"delivery {deliveryId} is processed after the restart",
            describe: detail => detail.Delivery.ToString(),
            context: () => ProcessLogs.Format(restarted),
            cancellationToken: ct);
        Assert.Equal(1, processed.Delivery.Attempts);
        Assert.Null(processed.Delivery.LastError);
        Assert.Equal(1, await new WorkerDatabase(restarted.DatabasePath).CountAlertEventsAsync(deliveryId, ct));
    }

    private static AlertmanagerNotification FiringNotification()
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "DiskFull", ["service"] = "checkout", ["instance"] = "pod-a" };
        var alert = new NotifiedAlert(
            "firing",
            labels,
            new Dictionary<string, string> { ["summary"] = "Disk almost full on pod-a" },
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.MinValue,
            "http://x",
            "c0ffee0123456789");
        return new AlertmanagerNotification(
            "incidentbridge",
            "firing",
            [alert],
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            labels,
            alert.Annotations,
            "http://alertmanager.local",
            "4",
            "{}:{alertname=\"DiskFull\"}",
            0);
    }
}
