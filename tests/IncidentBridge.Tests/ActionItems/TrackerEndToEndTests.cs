using IncidentBridge.Tests.Postmortems;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// The whole path against a WireMock Jira: postmortem posted over the API, issues created by the real Jira
/// client through the dispatcher, under the failures docs/ARCHITECTURE.md names ("Exactly one issue per action item").
/// </summary>
public sealed class TrackerEndToEndTests : IDisposable
{
    private const string Incident = "INC-2026-0001";
    private readonly FakeJira _jira = new();

    public void Dispose() => _jira.Dispose();

    [Fact]
    public async Task Seed_template_postmortem_files_each_action_item_once_in_jira()
    {
        await using var worker = await StartAsync(_jira.Settings());

        var posted = await PostMarkdownAsync(worker, Seeds.Read("postmortem-template.md"));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await SyncedAsync(worker, 18);
        Assert.Equal(18, _jira.Issues.Count);
        var first = _jira.Issues.Values.Single(i => ContainsText(i["description"], "Fix connection leak in error handler"));
        Assert.Equal("PAY", first["project"]?["key"]?.GetValue<string>());
        Assert.Equal("2024-01-16", first["duedate"]?.GetValue<string>());
        Assert.Equal("Highest", first["priority"]?["name"]?.GetValue<string>());
        var labels = first["labels"]?.AsArray().Select(l => l?.GetValue<string>()).ToList() ?? [];
        Assert.Contains("incident", labels);
        Assert.Contains("action-item", labels);
        Assert.Contains(labels, l => l?.StartsWith("incidentbridge-", StringComparison.Ordinal) == true);
        Assert.Equal(4, _jira.Issues.Keys.Count(key => _jira.Transitions(key) == 1));
    }

    [Fact]
    public async Task Lost_create_response_from_jira_does_not_duplicate_the_issue()
    {
        _jira.FailCreates("lost");
        await using var worker = await StartAsync(_jira.Settings(timeout: "00:00:01"));

        await PostJsonAsync(worker, PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        var item = Assert.Single(await SyncedAsync(worker, 1));
        var issue = Assert.Single(_jira.Issues);
        Assert.Equal(issue.Key, item.GetProperty("trackerKey").GetString());
        Assert.Equal(1, _jira.CreateCalls);
    }

    [Fact]
    public async Task Jira_503s_then_success_create_the_issue_once()
    {
        _jira.FailCreates("503", "503", "503");
        await using var worker = await StartAsync(_jira.Settings());

        await PostJsonAsync(worker, PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        await SyncedAsync(worker, 1);
        Assert.Single(_jira.Issues);
        Assert.Equal(4, _jira.CreateRequestTimes().Count);
    }

    [Fact]
    public async Task Jira_429_is_retried_no_sooner_than_its_retry_after()
    {
        _jira.FailCreates("429:2");
        await using var worker = await StartAsync(_jira.Settings());

        await PostJsonAsync(worker, PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        await SyncedAsync(worker, 1, TimeSpan.FromSeconds(15));
        var attempts = _jira.CreateRequestTimes();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(1.9), $"retried after {attempts[1] - attempts[0]}");
        Assert.Single(_jira.Issues);
    }

    [Fact]
    public async Task Items_queued_before_a_restart_are_each_created_once_after_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "incidentbridge-tests", Guid.NewGuid().ToString("N"));
        var unreachable = new Dictionary<string, string?>(_jira.Settings()) { ["IncidentBridge:Trackers:Jira:BaseUrl"] = "http://127.0.0.1:9/" };
        await using (var down = await StartAsync(unreachable, directory))
        {
            await PostJsonAsync(down, PostmortemJson.Published().WithItems(3));
            await Eventually.UntilAsync(() => ItemsAsync(down), items => items.Count == 3 && items.All(i => i.GetProperty("syncError").ValueKind == JsonValueKind.String), "every item has failed once");
        }

        await using var up = new WorkerFactory(_jira.Settings(), directory: directory);
        await SyncedAsync(up, 3);

        Assert.Equal(3, _jira.Issues.Count);
        Assert.Equal(3, _jira.CreateRequestTimes().Count);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Second_post_of_the_same_postmortem_makes_no_new_jira_issue()
    {
        await using var worker = await StartAsync(_jira.Settings());
        var markdown = Seeds.PostmortemExample("incident-management-and-postmortems.md");
        await PostMarkdownAsync(worker, markdown);
        await SyncedAsync(worker, 6);

        var again = await PostMarkdownAsync(worker, markdown);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        await SyncedAsync(worker, 6);
        Assert.Equal(6, _jira.CreateRequestTimes().Count);
    }

    private static async Task<WorkerFactory> StartAsync(IReadOnlyDictionary<string, string?> settings, string? directory = null)
    {
        var worker = new WorkerFactory(settings, directory: directory);
        await new IncidentsClient(worker).AlertsAsync("g", Firing("a1", T0));
        return worker;
    }

    private static Task<HttpResponseMessage> PostJsonAsync(WorkerFactory worker, PostmortemJson postmortem) =>
        worker.CreateApiClient().PostAsync($"/api/incidents/{Incident}/postmortem", new StringContent(postmortem.ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    private static Task<HttpResponseMessage> PostMarkdownAsync(WorkerFactory worker, string markdown) =>
        worker.CreateApiClient().PostAsync($"/api/incidents/{Incident}/postmortem", new StringContent(markdown, Encoding.UTF8, new MediaTypeHeaderValue("text/markdown")));

    private static async Task<IReadOnlyList<JsonElement>> ItemsAsync(WorkerFactory worker) =>
        (await (await worker.CreateApiClient().GetAsync("/api/action-items")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();

    private static Task<IReadOnlyList<JsonElement>> SyncedAsync(WorkerFactory worker, int count, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => ItemsAsync(worker), items => items.Count == count && items.All(i => i.GetProperty("syncState").GetString() == "synced"), $"{count} items are synced", timeout ?? TimeSpan.FromSeconds(20));

    private static bool ContainsText(JsonNode? adf, string text) => adf?.ToJsonString().Contains(text, StringComparison.Ordinal) == true;
}
