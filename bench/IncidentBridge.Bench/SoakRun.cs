using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBridge.TestSupport;

namespace IncidentBridge.Bench;

/// <summary>
/// <c>bench/run.sh --soak</c>: one worker on its embedded SQLite defaults under steady mixed traffic for
/// <see cref="BenchOptions.SoakMinutes"/> (Alertmanager groups that fire and resolve, PagerDuty incidents through their
/// lifecycle, a postmortem with action items made into issues in a fake Jira, status-sync and follow-up-review runs),
/// sampling every <see cref="BenchOptions.SoakSampleSeconds"/> the worker's resident memory, open file descriptors and
/// database size (with its -wal and -shm). Leaks show as a line that keeps rising; the goal is flat. Writes its own
/// section of RESULTS.md and leaves the rest of the report as it is.
/// </summary>
internal sealed class SoakRun(BenchOptions options, string commit)
{
    private const string AlertmanagerToken = "bench-alertmanager-token";
    private const string PagerDutySecret = "bench-pagerduty-signing-secret";
    private const int Services = 100;
    private const string SectionStart = "<!-- soak:start -->";
    private const string SectionEnd = "<!-- soak:end -->";

    private long _sent;
    private long _failed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var jira = new FakeJira(1000);
        var environment = new Dictionary<string, string>
        {
            ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = AlertmanagerToken,
            ["IncidentBridge__Sources__PagerDuty__SigningSecrets__0"] = PagerDutySecret,
            ["IncidentBridge__Trackers__Jira__BaseUrl"] = jira.Url,
            ["IncidentBridge__Trackers__Jira__Email"] = "bot@example.com",
            ["IncidentBridge__Trackers__Jira__ApiToken"] = "bench-jira-token",
            ["IncidentBridge__Routing__Default__Tracker"] = "Jira",
            ["IncidentBridge__Routing__Default__Project"] = "PAY",
        };
        Console.WriteLine($"[soak] {options.SoakMinutes:0} min of mixed traffic at {options.SoakRate} webhooks/s, sampling every {options.SoakSampleSeconds:0} s");
        var started = DateTimeOffset.UtcNow;
        await using var worker = await WorkerProcess.StartAsync(options.WorkerDll, Path.Combine(options.OutDirectory, "worker-soak"), environment, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromMinutes(options.SoakMinutes));
        var samples = new List<SoakSample>();
        var traffic = Task.WhenAll(WebhooksAsync(worker, stop.Token), PostmortemsAsync(worker, stop.Token), JobsAsync(worker, stop.Token));
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            samples.Add(await SampleAsync(worker, jira, clock.Elapsed, cancellationToken));
            Console.WriteLine($"[soak] {samples[^1]}");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.SoakSampleSeconds), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        await traffic;
        samples.Add(await SampleAsync(worker, jira, clock.Elapsed, cancellationToken));
        var healthy = (await worker.Http.GetAsync("/healthz", cancellationToken)).StatusCode == HttpStatusCode.OK;
        var exitCode = await worker.StopAsync();
        var section = Render(samples, started, healthy, exitCode);
        await WriteSectionAsync(options.ResultsFile, section, cancellationToken);
        Console.WriteLine($"[soak] done: {options.ResultsFile}");
    }

    private async Task<SoakSample> SampleAsync(WorkerProcess worker, FakeJira jira, TimeSpan at, CancellationToken cancellationToken)
    {
        var metrics = await worker.MetricsAsync(cancellationToken);
        var database = new[] { worker.DatabasePath, worker.InboxPath }
            .SelectMany(path => new[] { "", "-wal", "-shm" }.Select(suffix => path + suffix))
            .Sum(path => new FileInfo(path) is { Exists: true } file ? file.Length : 0);
        return new SoakSample(
            at,
            worker.ResidentBytes,
            Directory.GetFileSystemEntries($"/proc/{worker.Pid}/fd").Length,
            database,
            metrics.Metrics.Sum("dotnet_total_memory_bytes"),
            metrics.Metrics.Sum("incidentbridge_inbox_depth"),
            Interlocked.Read(ref _sent),
            Interlocked.Read(ref _failed),
            jira.IssueCount);
    }

    /// <summary>Alertmanager and PagerDuty in turn, at <see cref="BenchOptions.SoakRate"/> a second, paced, not flooding.</summary>
    private async Task WebhooksAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        var key = Encoding.UTF8.GetBytes(PagerDutySecret);
        var interval = TimeSpan.FromSeconds(1.0 / options.SoakRate);
        var run = Random.Shared.Next(0x100);
        var next = Stopwatch.GetTimestamp();
        for (var n = 0; !cancellationToken.IsCancellationRequested; n++)
        {
            using var request = n % 2 == 0 ? Alertmanager(n / 2) : PagerDuty(key, run, n / 2);
            await SendAsync(worker.Http, request, cancellationToken);
            next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                await Delay(wait, cancellationToken);
            }
        }
    }

    /// <summary>Every 20 s, a postmortem with five action items for the newest incident: the dispatcher makes them issues.</summary>
    private async Task PostmortemsAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        while (await Delay(TimeSpan.FromSeconds(20), cancellationToken))
        {
            try
            {
                using var list = await worker.Api.GetAsync("/api/incidents?limit=1", cancellationToken);
                var id = JsonNode.Parse(await list.Content.ReadAsStringAsync(cancellationToken))?["items"]?[0]?["id"]?.GetValue<string>();
                if (id is not null)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/postmortem") { Content = new StringContent(Postmortem(), Encoding.UTF8, "application/json") };
                    await SendAsync(worker.Api, request, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException)
            {
                Interlocked.Increment(ref _failed);
            }
        }
    }

    /// <summary>Every minute, status-sync and follow-up-review, as the scheduler would run them (more often, for the soak).</summary>
    private async Task JobsAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        while (await Delay(TimeSpan.FromMinutes(1), cancellationToken))
        {
            foreach (var job in new[] { "status-sync", "follow-up-review" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{job}/run");
                await SendAsync(worker.Api, request, cancellationToken);
            }
        }
    }

    private async Task SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _sent);
            if ((int)response.StatusCode >= 300)
            {
                Interlocked.Increment(ref _failed);
            }
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref _failed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The soak is over.
        }
    }

    private static async Task<bool> Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Notification <paramref name="n"/>: service n mod 100, three alerts, firing on even rounds and resolved on odd ones,
    /// each round with a new start, so incidents open and close and the open set stays bounded.
    /// </summary>
    private static HttpRequestMessage Alertmanager(int n)
    {
        var service = $"soak-{n % Services}";
        var round = n / Services;
        var firing = round % 2 == 0;
        var starts = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(round / 2 * 10);
        var alerts = new JsonArray([.. Enumerable.Range(0, 3).Select(i => (JsonNode)new JsonObject
        {
            ["status"] = firing ? "firing" : "resolved",
            ["labels"] = new JsonObject { ["alertname"] = "SoakErrorRate", ["service"] = service, ["cluster"] = "soak", ["instance"] = $"pod-{i}", ["severity"] = "warning" },
            ["annotations"] = new JsonObject { ["summary"] = $"Error rate on {service}" },
            ["startsAt"] = starts.ToString("O", CultureInfo.InvariantCulture),
            ["endsAt"] = firing ? "0001-01-01T00:00:00Z" : starts.AddMinutes(5).ToString("O", CultureInfo.InvariantCulture),
            ["generatorURL"] = "http://prometheus.local/graph",
            ["fingerprint"] = string.Create(CultureInfo.InvariantCulture, $"{n % Services:x8}{i:x8}"),
        })]);
        var body = new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = $"{{}}:{{service=\"{service}\"}}",
            ["status"] = firing ? "firing" : "resolved",
            ["receiver"] = "incidentbridge",
            ["groupLabels"] = new JsonObject { ["service"] = service },
            ["commonLabels"] = new JsonObject { ["service"] = service },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.local",
            ["alerts"] = alerts,
        }.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AlertmanagerToken);
        return request;
    }

    private static HttpRequestMessage PagerDuty(byte[] key, int run, int n)
    {
        var body = PagerDutyEvents.Body(run, n, DateTimeOffset.UtcNow);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-PagerDuty-Signature", $"v1={Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body)))}");
        return request;
    }

    private static string Postmortem() => new JsonObject
    {
        ["title"] = "Soak outage",
        ["status"] = "published",
        ["summary"] = "A soak-test incident.",
        ["actionItems"] = new JsonArray([.. Enumerable.Range(1, 5).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = i.ToString(CultureInfo.InvariantCulture),
            ["description"] = $"Soak action item {i}",
            ["owner"] = "Bob",
            ["priority"] = "P2",
            ["dueDate"] = "2026-01-31",
        })]),
    }.ToJsonString();

    private string Render(IReadOnlyList<SoakSample> samples, DateTimeOffset started, bool healthy, int exitCode)
    {
        var first = samples[0];
        var last = samples[^1];
        var settled = samples.FirstOrDefault(s => s.At >= TimeSpan.FromMinutes(5)) ?? first;
        var text = new StringBuilder();
        text.AppendLine(SectionStart);
        text.AppendLine("## Soak: memory, handles and database size over time");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`bench/run.sh --soak --soak-minutes {options.SoakMinutes:0}`, {started:yyyy-MM-dd HH:mm} UTC, commit {commit}. One worker on its embedded SQLite");
        text.AppendLine(CultureInfo.InvariantCulture, $"defaults (`synchronous=FULL`), {options.SoakRate} webhooks/s (Alertmanager groups of 3 alerts over {Services} services that fire and");
        text.AppendLine("resolve in turn, PagerDuty incidents through triggered, acknowledged and resolved), a postmortem with 5 action items every");
        text.AppendLine("20 s (made into issues in a fake Jira), and `status-sync` and `follow-up-review` every minute. Sampled every");
        text.AppendLine(CultureInfo.InvariantCulture, $"{options.SoakSampleSeconds:0} s: resident set (`VmRSS`), GC heap (`dotnet_total_memory_bytes`), open descriptors (`/proc/<pid>/fd`),");
        text.AppendLine("database file with `-wal` and `-shm`, inbox depth. Flat is the goal; the database grows with the data it keeps.");
        text.AppendLine();
        text.AppendLine("| time | RSS MB | GC heap MB | open fds | database MB | inbox depth | requests | failed | Jira issues |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {s.At:hh\\:mm\\:ss} | {Mb(s.ResidentBytes)} | {Mb((long)s.HeapBytes)} | {s.OpenFiles} | {Mb(s.DatabaseBytes)} | {s.InboxDepth:0} | {s.Requests} | {s.Failed} | {s.Issues} |");
        }

        var minutes = (last.At - settled.At).TotalMinutes;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"From minute {settled.At.TotalMinutes:0} (warmed up) to the end ({minutes:0} min): RSS {Mb(settled.ResidentBytes)} → {Mb(last.ResidentBytes)} MB (peak {Mb(samples.Max(s => s.ResidentBytes))}),");
        text.AppendLine(CultureInfo.InvariantCulture, $"open descriptors {settled.OpenFiles} → {last.OpenFiles} (max {samples.Max(s => s.OpenFiles)}), database {Mb(settled.DatabaseBytes)} → {Mb(last.DatabaseBytes)} MB");
        text.AppendLine(CultureInfo.InvariantCulture, $"({(minutes > 0 ? (last.DatabaseBytes - settled.DatabaseBytes) / 1048576.0 / minutes * 60 : 0):0} MB an hour at this rate). {last.Requests} requests, {last.Failed} not 2xx;");
        text.AppendLine(CultureInfo.InvariantCulture, $"`/healthz` at the end: {(healthy ? "200" : "not 200")}; exit code on SIGTERM: {exitCode}. Machine load at the end: {ProcStats.LoadAverage()} (shared with other work).");
        text.AppendLine(SectionEnd);
        return text.ToString();
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Replaces the soak section of <paramref name="path"/>, or appends it; the rest of the report stays.</summary>
    /// <summary>The soak's section of a report, markers included, or empty: a full run rewrites the rest and keeps it.</summary>
    public static string SectionOf(string report)
    {
        var start = report.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = report.IndexOf(SectionEnd, StringComparison.Ordinal);
        return start >= 0 && end > start ? report[start..(end + SectionEnd.Length)] + "\n" : "";
    }

    private static async Task WriteSectionAsync(string path, string section, CancellationToken cancellationToken)
    {
        var report = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        var start = report.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = report.IndexOf(SectionEnd, StringComparison.Ordinal);
        report = start >= 0 && end > start
            ? report[..start] + section.TrimEnd('\n') + report[(end + SectionEnd.Length)..]
            : report.TrimEnd('\n') + "\n\n" + section;
        await File.WriteAllTextAsync(path, report, cancellationToken);
    }
}

/// <summary>One sample of the soak.</summary>
internal sealed record SoakSample(TimeSpan At, long ResidentBytes, int OpenFiles, long DatabaseBytes, double HeapBytes, double InboxDepth, long Requests, long Failed, int Issues)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{At:hh\\:mm\\:ss} rss {ResidentBytes / 1048576.0:0.0} MB, fds {OpenFiles}, db {DatabaseBytes / 1048576.0:0.0} MB, depth {InboxDepth:0}, requests {Requests}, failed {Failed}, issues {Issues}");
}
