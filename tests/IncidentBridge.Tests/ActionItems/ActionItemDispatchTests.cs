using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// Postmortems in, one tracker issue per action item out, whatever fails in between (docs/ARCHITECTURE.md, "Exactly one issue per action item"). On both providers:
/// <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.
/// </summary>
public abstract class ActionItemDispatchTests(PostgresServer? postgres) : JiraRoutedTests(postgres)
{
    [Fact]
    public async Task Each_action_item_of_a_published_postmortem_becomes_one_issue()
    {
        var posted = await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob", "P0", "2026-12-01").WithItem("2", "Add pool metrics", "Carol", "P2", null));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var items = await SyncedItemsAsync(2);
        Assert.Equal(2, Jira.CreateCalls);
        var issue = Jira.Issues.Single(i => i.Request.Content.Description == "Fix the connection leak").Request;
        Assert.Equal("[INC-2026-0001] Fix the connection leak", issue.Title);
        Assert.Equal(new DateOnly(2026, 12, 1), issue.DueDate);
        Assert.Equal("P0", issue.Priority);
        Assert.Contains("incident", issue.Labels);
        Assert.Contains("action-item", issue.Labels);
        Assert.Contains("p0", issue.Labels);
        Assert.Contains(issue.Marker, issue.Labels);
        Assert.StartsWith("incidentbridge-", issue.Marker, StringComparison.Ordinal);
        Assert.Equal("PAY", Jira.LastTarget?.Project);
        Assert.All(items, i => Assert.StartsWith("https://jira.example/browse/PAY-", i.GetProperty("trackerUrl").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lost_create_response_does_not_duplicate_the_issue()
    {
        Jira.LoseNextCreateAnswer();

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        var item = Assert.Single(await SyncedItemsAsync(1));
        Assert.Single(Jira.Issues);
        Assert.Equal(1, Jira.CreateCalls);
        Assert.Equal(1, Jira.SearchCalls);
        Assert.Equal(Jira.Issues.Single().Issue.Key, item.GetProperty("trackerKey").GetString());
    }

    [Fact]
    public async Task Tracker_outage_keeps_the_item_pending_then_creates_it_once()
    {
        Jira.FailNextCreate(new TrackerUnavailableException("503 Service Unavailable"))
            .FailNextCreate(new TrackerUnavailableException("503 Service Unavailable"));

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        await SyncedItemsAsync(1);
        Assert.Single(Jira.Issues);
        Assert.Equal(3, Jira.CreateCalls);
    }

    [Fact]
    public async Task Item_waiting_for_its_tracker_is_visible_as_pending_sync()
    {
        Jira.FailNextCreate(new TrackerUnavailableException("503 Service Unavailable", TimeSpan.FromHours(1)));

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        var item = await Eventually.UntilAsync(ItemsAsync, items => items.Count == 1 && items[0].GetProperty("syncError").ValueKind == JsonValueKind.String, "the failed attempt is recorded");
        Assert.Equal("pending-sync", item[0].GetProperty("syncState").GetString());
        Assert.Contains("503", item[0].GetProperty("syncError").GetString(), StringComparison.Ordinal);
        Assert.Empty(Jira.Issues);
    }

    [Fact]
    public async Task Refused_issue_shows_the_trackers_error()
    {
        Jira.FailNextCreate(new TrackerRejectedException("Field 'customfield_10020' is required."));

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Bob"));

        var items = await Eventually.UntilAsync(ItemsAsync, items => items.Count == 1 && items[0].GetProperty("syncState").GetString() == "rejected", "the refusal is recorded");
        Assert.Equal("Field 'customfield_10020' is required.", items[0].GetProperty("syncError").GetString());
    }

    [Fact]
    public async Task Posting_the_same_postmortem_again_makes_no_new_issue()
    {
        var postmortem = PostmortemJson.Published().WithItems(3);
        await PostAsync(postmortem);
        await SyncedItemsAsync(3);

        var again = await PostAsync(postmortem);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        await SyncedItemsAsync(3);
        Assert.Equal(3, Jira.CreateCalls);
        Assert.Equal(0, Jira.UpdateCalls);
    }

    [Fact]
    public async Task New_item_gets_an_issue_and_a_changed_item_updates_its_issue()
    {
        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", dueDate: "2026-12-01"));
        await SyncedItemsAsync(1);

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", dueDate: "2026-12-15").WithItem("2", "Add metrics", "Carol"));

        await Eventually.UntilAsync(() => Task.FromResult(Jira.UpdateCalls), calls => calls == 1, "the changed item's issue is updated");
        await SyncedItemsAsync(2);
        Assert.Equal(2, Jira.CreateCalls);
        Assert.Equal(new DateOnly(2026, 12, 15), Jira.Issues.Single(i => i.Request.Content.Description == "Fix the leak").Request.DueDate);
    }

    [Fact]
    public async Task Removed_item_is_noted_on_the_timeline_and_its_issue_kept()
    {
        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob").WithItem("2", "Add metrics", "Carol"));
        await SyncedItemsAsync(2);

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));

        var timeline = (await Incidents.GetAsync(Incident)).GetProperty("timeline").EnumerateArray();
        var removed = Assert.Single(timeline, t => t.GetProperty("kind").GetString() == "action_item_removed");
        Assert.Contains("Add metrics", removed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, Jira.Issues.Count);
        Assert.Single(await ItemsAsync());
    }

    [Fact]
    public async Task Draft_postmortem_makes_no_issue_until_published()
    {
        await PostAsync(PostmortemJson.Draft().WithItem("1", "Fix the leak", "Bob"));
        var held = await ItemsAsync();

        await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));

        Assert.Equal("held", Assert.Single(held).GetProperty("syncState").GetString());
        await SyncedItemsAsync(1);
        Assert.Equal(1, Jira.CreateCalls);
    }

    [Fact]
    public async Task Item_already_done_gets_an_issue_closed_at_once()
    {
        await PostAsync(PostmortemJson.Published().WithItem("1", "Roll back v2.3.1", "Bob", status: "done"));

        await SyncedItemsAsync(1);

        Assert.Equal("done", Assert.Single(Jira.Issues).Issue.Status);
    }

    [Fact]
    public async Task Postmortem_for_an_unknown_incident_is_404() =>
        await (await PostAsync(PostmortemJson.Published().WithItems(1), "INC-2026-0999")).AssertProblemAsync(HttpStatusCode.NotFound);

    [Fact]
    public async Task Postmortem_with_a_bad_item_is_400_naming_it()
    {
        // An item without an owner cannot be filed (an odd priority no longer refuses the postmortem: it is a warning).
        var response = await PostAsync(PostmortemJson.Published().WithItem("1", "Fix the leak", " "));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("actionItems[0]", problem.GetProperty("field").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postmortem_is_served_with_its_items_tracker_links()
    {
        await PostAsync(PostmortemJson.Published().WithItems(2));
        await SyncedItemsAsync(2);

        var postmortem = await (await Worker.CreateApiClient().GetAsync("/api/postmortems/PM-2026-0001")).JsonAsync();

        Assert.Equal(Incident, postmortem.GetProperty("incidentId").GetString());
        Assert.Equal("published", postmortem.GetProperty("status").GetString());
        Assert.All(postmortem.GetProperty("actionItems").EnumerateArray(), i => Assert.StartsWith("PAY-", i.GetProperty("trackerKey").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shutdown_finishes_the_item_in_flight_and_hands_back_the_rest_of_the_batch()
    {
        var slowTracker = Jira.HoldCreates();
        await PostAsync(PostmortemJson.Published().WithItems(4));
        await Eventually.UntilAsync(() => Task.FromResult(Jira.CreateCalls), calls => calls == 1, "the first create is in flight");

        var stopped = Worker.Service<ActionItemDispatcher>().StopAsync(CancellationToken.None);
        slowTracker.SetResult();
        await stopped;

        Assert.Equal(1, Jira.CreateCalls);
        Assert.Equal(1, await Worker.CountAsync("action_items", "sync_state = 'synced'"));
        Assert.Equal(3, await Worker.CountAsync("action_items", "sync_state = 'pending' AND lease_owner IS NULL AND attempts = 0 AND in_doubt_since IS NULL"));
    }

    [Fact]
    public async Task Action_items_are_listed_page_by_page_with_a_cursor()
    {
        await PostAsync(PostmortemJson.Published().WithItems(5));
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await Worker.CreateApiClient().GetAsync($"/api/action-items?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString() ?? ""));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        await (await Worker.CreateApiClient().GetAsync("/api/action-items?cursor=abc")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Worker.CreateApiClient().GetAsync("/api/action-items?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Postmortem_with_more_items_than_the_limit_is_400_naming_the_limit()
    {
        await using var worker = new WorkerFactory(new Dictionary<string, string?>(JiraRoute) { ["IncidentBridge:ActionItems:MaxPerPostmortem"] = "3" }, trackers: new FakeTracker());
        await new IncidentsClient(worker).AlertsAsync("g", Firing("a1", T0));

        var response = await worker.CreateApiClient().PostAsync($"/api/incidents/{Incident}/postmortem", new StringContent(PostmortemJson.Published().WithItems(4).ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("actionItems", problem.GetProperty("field").GetString());
        Assert.Contains("MaxPerPostmortem", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_nested_too_deep_is_400_not_500()
    {
        var markdown = "# Postmortem\n\n" + string.Concat(Enumerable.Repeat("> ", 300)) + "deep\n";

        var response = await PostPostmortemAsync(markdown, "text/markdown");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("nested", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public sealed class OnSqlite() : ActionItemDispatchTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : ActionItemDispatchTests(postgres);

    private protected override async Task<IReadOnlyList<JsonElement>> ItemsAsync() =>
        (await (await Worker.CreateApiClient().GetAsync("/api/action-items")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();

    private Task<HttpResponseMessage> PostAsync(PostmortemJson postmortem, string incident = Incident) =>
        PostPostmortemAsync(postmortem.ToString(), "application/json", incident);
}
