using System.Diagnostics;
using System.Security.Cryptography;

namespace IncidentBridge.IntegrationTests;

/// <summary>
/// Whatever senders do with their bodies, the worker's memory stays bounded and a stalled body costs one quiet 408:
/// the real worker process, over real sockets.
/// </summary>
public sealed class WebhookBodyLimitsTests(ITestOutputHelper output)
{
    private const int Connections = 500;
    private const long DeclaredBytes = 1024 * 1024;
    private const long PeakResidentLimit = 300L * 1024 * 1024;

    // RSS alone would not show buffers sized by Content-Length: untouched pages of a fresh array are not resident
    // until written. The managed heap counts them, and must stay far below 500 × 1 MiB.
    private const long ManagedHeapLimit = 150L * 1024 * 1024;
    private static readonly TimeSpan ObservationWindow = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Five_hundred_connections_declaring_a_mebibyte_and_sending_nothing_leave_the_worker_small_and_answering()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        var secret = Secrets.NewToken();
        await using var worker = await WorkerProcess.StartAsync(
            new Dictionary<string, string> { ["IncidentBridge__Sources__PagerDuty__SigningSecrets__0"] = secret }, output, ct);
        var silent = new List<RawHttpRequest>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                silent.Add(await RawHttpRequest.StartAsync(worker.BaseAddress, "/webhooks/pagerduty", DeclaredBytes, new Dictionary<string, string>
                {
                    ["Content-Type"] = "application/json",
                    ["X-PagerDuty-Signature"] = "v1=" + new string('0', 64),
                }, ct));
            }

            var answered = PostPagerDutyAsync(worker, secret, ct);
            var peak = await HighestPeakWithinAsync(worker.ProcessId, ObservationWindow, ct);
            var heap = (await worker.MetricsAsync(ct)).Sum("dotnet_total_memory_bytes");

            using var response = await answered;
            output.WriteLine($"Peak RSS {peak / (1024 * 1024)} MiB, managed heap {heap / (1024 * 1024):0} MiB");
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Another sender got {(int)response.StatusCode}.\n{worker.Output}");
            Assert.True(peak < PeakResidentLimit, $"Peak RSS {peak / (1024 * 1024)} MiB with {Connections} silent bodies (limit {PeakResidentLimit / (1024 * 1024)} MiB).");
            Assert.True(heap < ManagedHeapLimit, $"Managed heap {heap / (1024 * 1024):0} MiB with {Connections} silent bodies (limit {ManagedHeapLimit / (1024 * 1024)} MiB).");
        }
        finally
        {
            foreach (var connection in silent)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_body_kestrel_cuts_off_for_sending_too_slowly_answers_408_with_one_quiet_line()
    {
        using var timeout = TestTimeout.Start();
        var ct = timeout.Token;
        var secret = Secrets.NewToken();
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["IncidentBridge__Sources__PagerDuty__SigningSecrets__0"] = secret,
            // Our own deadline later than Kestrel's data rate check (240 B/s after a 5 s grace), so Kestrel acts first.
            ["IncidentBridge__Ingest__BodyTimeout"] = "00:00:45",
        }, output, ct);
        await using var stalled = await RawHttpRequest.StartAsync(worker.BaseAddress, "/webhooks/pagerduty", 1000, new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["X-PagerDuty-Signature"] = "v1=" + new string('0', 64),
        }, ct);
        await stalled.SendAsync("{\"event\":"u8.ToArray(), ct);

        var status = await stalled.ReadStatusAsync(ct);

        Assert.True(status == 408, $"A stalled body was answered {status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "with nothing"}.\n{worker.Output}");
        var log = await Eventually.UntilAsync(
            () => Task.FromResult(worker.Output),
            text => text.Contains("cut off", StringComparison.Ordinal),
            "the worker logs the stalled body",
            cancellationToken: ct);
        Assert.Single(log.Split('\n'), line => line.Contains("cut off", StringComparison.Ordinal) && line.Contains("WRN]", StringComparison.Ordinal));
        Assert.DoesNotContain("ERR]", log, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Microsoft.", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
    }

    private static async Task<long> HighestPeakWithinAsync(int processId, TimeSpan window, CancellationToken cancellationToken)
    {
        // VmHWM is already the peak; sampling it over a window gives the silent requests time to reach the handler.
        var watch = Stopwatch.StartNew();
        var peak = ProcessMemory.PeakResidentBytes(processId);
        while (watch.Elapsed < window && peak < PeakResidentLimit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            peak = ProcessMemory.PeakResidentBytes(processId);
        }

        return peak;
    }

    private static async Task<HttpResponseMessage> PostPagerDutyAsync(WorkerProcess worker, string secret, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["event"] = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("N"),
                ["event_type"] = "pagey.ping",
                ["resource_type"] = "pagey",
                ["occurred_at"] = "2026-11-23T08:00:00Z",
                ["agent"] = null,
                ["data"] = new JsonObject { ["message"] = "Hello from your friend Pagey!", ["type"] = "ping" },
            },
        }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-PagerDuty-Signature", "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        return await worker.Http.SendAsync(request, cancellationToken);
    }
}
