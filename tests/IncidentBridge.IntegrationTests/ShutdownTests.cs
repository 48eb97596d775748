namespace IncidentBridge.IntegrationTests;

/// <summary>A graceful stop (SIGTERM) answers what it took in and stores exactly what it answered 202.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int Senders = 8;
    private const int AcceptedBeforeStop = 40;

    // The cap only guards against a worker that never stops answering.
    private const int MaxPostsPerSender = 1000;

    [Fact]
    public async Task Sigterm_waits_for_in_flight_deliveries()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        var token = Secrets.NewToken();
        await using var worker = await WorkerProcess.StartAsync(
            new Dictionary<string, string> { ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = token }, output, ct);
        var acceptedSoFar = 0;
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Each sender posts one delivery after another until the worker stops answering 202, so the
        // SIGTERM lands while requests are in flight (simultaneous posts would share one group commit).
        async Task<List<PostOutcome>> SendUntilRefusedAsync(int sender)
        {
            var outcomes = new List<PostOutcome>();
            for (var i = 0; i < MaxPostsPerSender; i++)
            {
                var outcome = await PostAsync(worker, token, (sender * MaxPostsPerSender) + i, ct);
                outcomes.Add(outcome);
                if (outcome.DeliveryId is null)
                {
                    break;
                }

                if (Interlocked.Increment(ref acceptedSoFar) == AcceptedBeforeStop)
                {
                    busy.TrySetResult();
                }
            }

            return outcomes;
        }

        var senders = Enumerable.Range(0, Senders).Select(SendUntilRefusedAsync).ToList();
        await Task.WhenAny(busy.Task, Task.WhenAll(senders)).WaitAsync(ct);
        Assert.True(busy.Task.IsCompleted, $"The worker stopped answering 202 before it was sent SIGTERM.\n{ProcessLogs.Format(worker)}");

        var exitCode = await worker.TerminateAsync();

        var outcomes = (await Task.WhenAll(senders)).SelectMany(o => o).ToList();
        var log = ProcessLogs.Format(worker);
        output.WriteLine($"Refused after SIGTERM: {string.Join("; ", outcomes.Where(o => o.DeliveryId is null).Select(o => o.Error))}");
        Assert.True(exitCode == 0, $"The worker exited with code {exitCode} after SIGTERM.\n{log}");
        var accepted = outcomes.Where(o => o.DeliveryId is not null).Select(o => o.DeliveryId).ToHashSet();
        var stored = await new WorkerDatabase(worker.InboxPath).DeliveriesAsync(ct);
        // Equal both ways: no 202 was lost, and nothing was stored behind an answer the sender saw fail.
        Assert.True(
            accepted.SetEquals(stored.Select(d => d.Id)),
            $"Answered 202: {accepted.Count}, stored: {stored.Count}.\nRefused: {string.Join("; ", outcomes.Where(o => o.DeliveryId is null))}\n{log}");
        Assert.DoesNotContain(stored, d => d.Leased);
    }

    private static async Task<PostOutcome> PostAsync(WorkerProcess worker, string token, int instance, CancellationToken ct)
    {
        try
        {
            using var response = await worker.PostAlertmanagerAsync(token, Notification(instance), ct);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return new PostOutcome(null, $"{(int)response.StatusCode}");
            }

            var accepted = await response.Content.ReadFromJsonAsync<DeliveryAccepted>(Json.Options, ct);
            return new PostOutcome(accepted?.DeliveryId, null);
        }
        catch (HttpRequestException ex)
        {
            return new PostOutcome(null, ex.Message);
        }
    }

    private static AlertmanagerNotification Notification(int instance)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "DiskFull", ["service"] = "checkout", ["instance"] = $"pod-{instance}" };
        var alert = new NotifiedAlert(
            "firing", labels, new Dictionary<string, string>(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.MinValue, "http://x", $"{instance:x16}");
        return new AlertmanagerNotification(
            "incidentbridge", "firing", [alert], new Dictionary<string, string> { ["alertname"] = "DiskFull" }, labels,
            alert.Annotations, "http://alertmanager.local", "4", $"{{}}:{{alertname=\"DiskFull\", instance=\"pod-{instance}\"}}", 0);
    }

    private sealed record PostOutcome(string? DeliveryId, string? Error);
}
