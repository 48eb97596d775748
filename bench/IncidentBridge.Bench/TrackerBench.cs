using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBridge.TestSupport;

namespace IncidentBridge.Bench;

/// <summary>
/// Status sync cost against a fake Jira: 10,000 action items (100 published postmortems × 100 items) are made into
/// issues by the real dispatcher, then <c>status-sync</c> runs three times: with no watermark yet (it lists every
/// issue), after 1% of the issues changed, and after nothing changed. Jira's requests are counted by the fake.
/// </summary>
internal sealed class TrackerBench(BenchOptions options)
{
    private const string AlertmanagerToken = "bench-alertmanager-token";

    public async Task<TrackerResult> RunAsync(CancellationToken cancellationToken)
    {
        var items = options.TrackerIncidents * options.ItemsPerPostmortem;
        using var jira = new FakeJira(items);
        var environment = new Dictionary<string, string>
        {
            ["IncidentBridge__Sources__Alertmanager__BearerTokens__0"] = AlertmanagerToken,
            ["IncidentBridge__Jobs__Enabled"] = "false",
            ["IncidentBridge__Trackers__Jira__BaseUrl"] = jira.Url,
            ["IncidentBridge__Trackers__Jira__Email"] = "bot@example.com",
            ["IncidentBridge__Trackers__Jira__ApiToken"] = "bench-jira-token",
            ["IncidentBridge__Routing__Default__Tracker"] = "Jira",
            ["IncidentBridge__Routing__Default__Project"] = "PAY",
            // Sooner and larger than the defaults (5 s, 20), so the 10,000 creates fit in the bench's time; how the
            // sync then queries Jira does not depend on them.
            ["IncidentBridge__ActionItems__PollInterval"] = "00:00:00.200",
            ["IncidentBridge__ActionItems__BatchSize"] = "100",
        };
        await using var worker = await WorkerProcess.StartAsync(options.WorkerDll, Path.Combine(options.OutDirectory, "worker-tracker"), environment, cancellationToken);

        var incidents = await OpenIncidentsAsync(worker, cancellationToken);
        Console.WriteLine($"[bench] tracker: posting {incidents.Count} postmortems × {options.ItemsPerPostmortem} action items");
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(incidents, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (incident, ct) =>
        {
            using var response = await worker.Api.PostAsync($"/api/incidents/{incident}/postmortem", new StringContent(Postmortem(incident), Encoding.UTF8, "application/json"), ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"The postmortem of {incident} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        await WaitForIssuesAsync(worker, jira, items, cancellationToken);
        var createTime = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"[bench] tracker: {jira.IssueCount} issues in {createTime.TotalSeconds:0} s; running status-sync");

        var runs = new List<SyncRun>
        {
            await SyncAsync(worker, jira, "first run (no watermark: lists every issue)", 0, cancellationToken),
        };
        var changed = jira.ChangeSome(options.ChangedFraction);
        runs.Add(await SyncAsync(worker, jira, $"after {changed} issues ({options.ChangedFraction:P0}) changed", changed, cancellationToken));
        runs.Add(await SyncAsync(worker, jira, "again, nothing changed", 0, cancellationToken));
        var done = await CountDoneItemsAsync(worker, cancellationToken);
        return new TrackerResult(incidents.Count, items, createTime, jira.Count("create"), runs, done, jira.Requests);
    }

    private static async Task<SyncRun> SyncAsync(WorkerProcess worker, FakeJira jira, string name, int changed, CancellationToken cancellationToken)
    {
        var (searches, others) = (jira.Count("changed-search"), OtherRequests(jira));
        var started = Stopwatch.GetTimestamp();
        using var response = await worker.Api.PostAsync("/api/jobs/status-sync/run", null, cancellationToken);
        var duration = Stopwatch.GetElapsedTime(started);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"status-sync answered {(int)response.StatusCode}: {body}");
        }

        var result = JsonNode.Parse(body)?.AsObject() ?? [];
        var counts = result["counts"]?.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<long>() ?? 0, StringComparer.Ordinal) ?? [];
        return new SyncRun(
            name,
            changed,
            jira.Count("changed-search") - searches,
            OtherRequests(jira) - others,
            counts,
            result["summary"]?.GetValue<string>() ?? "",
            duration);
    }

    private static long OtherRequests(FakeJira jira) => jira.Requests.Where(r => r.Key != "changed-search").Sum(r => r.Value);

    private static async Task<long> CountDoneItemsAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        using var page = JsonDocument.Parse(await worker.Api.GetStringAsync("/api/action-items?status=done", cancellationToken));
        return page.RootElement.GetProperty("items").GetArrayLength();
    }

    /// <summary>Waits until the dispatcher has made every issue (and nothing is left pending).</summary>
    private static async Task WaitForIssuesAsync(WorkerProcess worker, FakeJira jira, int items, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(8);
        while (true)
        {
            var metrics = await worker.MetricsAsync(cancellationToken);
            if (jira.IssueCount >= items && metrics.Sum("incidentbridge_action_items_pending_sync") == 0)
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {jira.IssueCount} of {items} issues were made within 8 minutes; see {worker.LogFile}.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private async Task<List<string>> OpenIncidentsAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        for (var n = 1; n <= options.TrackerIncidents; n++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager")
            {
                Content = new StringContent(AlertmanagerPayloads.Single(90, n), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AlertmanagerToken);
            using var response = await worker.Http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var page = await worker.Api.GetFromJsonAsync<JsonObject>("/api/incidents?limit=500", cancellationToken);
            var ids = page?["items"]?.AsArray().Select(i => i?["id"]?.GetValue<string>() ?? "").ToList() ?? [];
            if (ids.Count >= options.TrackerIncidents || DateTimeOffset.UtcNow > deadline)
            {
                return ids.Count >= options.TrackerIncidents ? ids : throw new TimeoutException($"Only {ids.Count} incidents were opened.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>A published postmortem whose action items are open, owned by a team (no Jira user search), due in a month.</summary>
    private string Postmortem(string incident)
    {
        var due = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var items = new JsonArray();
        for (var i = 1; i <= options.ItemsPerPostmortem; i++)
        {
            items.Add(new JsonObject
            {
                ["id"] = $"AI-{i}",
                ["description"] = $"Action {i} of {incident}: alert on consumer lag before the error budget burns, and add a runbook step for it",
                ["type"] = "prevent",
                ["owner"] = "SRE Team",
                ["priority"] = "P2",
                ["dueDate"] = due,
                ["status"] = "Open",
            });
        }

        return new JsonObject
        {
            ["title"] = $"Postmortem of {incident}",
            ["incidentId"] = incident,
            ["status"] = "published",
            ["severity"] = "SEV2",
            ["summary"] = "Consumer lag grew until checkout timed out.",
            ["rootCause"] = "A slow partition rebalance.",
            ["actionItems"] = items,
        }.ToJsonString();
    }
}
