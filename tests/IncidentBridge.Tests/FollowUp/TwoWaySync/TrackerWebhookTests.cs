using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.FollowUp.TwoWaySync;

/// <summary>
/// Jira's and GitHub's webhooks against a running worker with every cron off: a signed, real-shaped delivery about an
/// action item's issue changes the item within seconds (status, assignee, due date, a move, a deletion); the status sync
/// catches what a lost webhook did not bring. The issues live in a stateful <see cref="FakeTracker"/> per tracker.
/// </summary>
public abstract class TrackerWebhookTests(PostgresServer? postgres) : IAsyncLifetime
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(5);
    private readonly FakeTracker _jira = new("Jira");
    private readonly FakeTracker _github = new("GitHub");
    private WorkerFactory _worker = null!;
    private HttpClient _api = null!;
    private HttpClient _hooks = null!;

    public async Task InitializeAsync()
    {
        var settings = TrackerWebhooks.Settings();
        settings["IncidentBridge:Routing:Default:Tracker"] = "Jira";
        settings["IncidentBridge:Routing:Default:Project"] = "PAY";
        // Dave's items go to GitHub: one worker serves both trackers.
        settings["IncidentBridge:Routing:Rules:0:Match:owner"] = "Dave";
        settings["IncidentBridge:Routing:Rules:0:Tracker"] = "GitHub";
        settings["IncidentBridge:Routing:Rules:0:Repository"] = "acme/payments";
        _worker = new WorkerFactory(postgres.Settings(settings), trackers: [_jira, _github]);
        _api = _worker.CreateApiClient();
        _hooks = _worker.CreateClient();
        await new IncidentsClient(_worker).AlertsAsync("g", Firing("a1", T0));
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Issue_done_in_jira_makes_the_item_done_within_seconds()
    {
        var issue = await JiraIssueAsync();

        var done = _jira.Edit(issue, DateTimeOffset.UtcNow, status: "done");
        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", done)));

        var item = await ItemWhenAsync(i => Status(i) == "done", "the item is done");
        Assert.Equal(issue, item.GetProperty("trackerKey").GetString());
        Assert.Contains(await TimelineAsync(), e => e.GetProperty("kind").GetString() == "action_item_status");
    }

    [Fact]
    public async Task Wont_do_resolution_in_jira_makes_the_item_not_doing()
    {
        var issue = await JiraIssueAsync();

        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", _jira.Edit(issue, DateTimeOffset.UtcNow, status: "not-doing"))));

        await ItemWhenAsync(i => Status(i) == "not-doing", "the item is not-doing");
    }

    [Fact]
    public async Task Reassigned_jira_issue_moves_the_item_and_its_digest_to_the_new_owner()
    {
        var issue = await JiraIssueAsync();

        var reassigned = _jira.Edit(issue, DateTimeOffset.UtcNow, assignee: TrackerWebhooks.CarolJira, due: new DateOnly(2027, 1, 15));
        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", reassigned)));

        var item = await ItemWhenAsync(i => i.GetProperty("owner").GetString() == "Carol", "the item is Carol's");
        Assert.Equal("2027-01-15", item.GetProperty("dueDate").GetString());
        Assert.Equal("tracker", item.GetProperty("dueDateSource").GetString());
        Assert.Empty(await ItemsAsync("Bob"));
        Assert.Single(await ItemsAsync("Carol"));
        var kinds = (await TimelineAsync()).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("action_item_assigned", kinds);
        Assert.Contains("action_item_due_date", kinds);
    }

    [Fact]
    public async Task Repost_that_leaves_owner_and_due_date_as_they_were_keeps_the_trackers_change()
    {
        var issue = await JiraIssueAsync();
        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", _jira.Edit(issue, DateTimeOffset.UtcNow, assignee: TrackerWebhooks.CarolJira, due: new DateOnly(2027, 1, 15)))));
        await ItemWhenAsync(i => i.GetProperty("owner").GetString() == "Carol", "the item is Carol's");

        await PostmortemAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak for good", "Bob"));
        var edited = await ItemWhenAsync(i => i.GetProperty("description").GetString() == "Fix the connection leak for good" && i.GetProperty("syncState").GetString() == "synced", "the edit is synced");
        Assert.Equal("Carol", edited.GetProperty("owner").GetString());
        Assert.Equal("2027-01-15", edited.GetProperty("dueDate").GetString());
        Assert.Equal(TrackerWebhooks.CarolJira, _jira.All.Single().Assignee);

        await PostmortemAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak for good", "Dave-in-Jira"));
        await ItemWhenAsync(i => i.GetProperty("owner").GetString() == "Dave-in-Jira" && i.GetProperty("syncState").GetString() == "synced", "the postmortem's new owner holds");
    }

    [Fact]
    public async Task Assignee_no_owner_entry_names_leaves_the_owner_and_says_so_on_the_timeline()
    {
        var issue = await JiraIssueAsync();

        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", _jira.Edit(issue, DateTimeOffset.UtcNow, assignee: "557058:stranger"))));

        Assert.Equal("Bob", (await ItemAsync()).GetProperty("owner").GetString());
        Assert.Contains(await TimelineAsync(), e => e.GetProperty("message").GetString()!.Contains("557058:stranger", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleted_jira_issue_marks_the_item_lost_and_no_new_issue_is_made()
    {
        var issue = await JiraIssueAsync();

        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_deleted", _jira.Delete(issue))));
        var lost = await ItemWhenAsync(i => i.GetProperty("syncState").GetString() == "lost", "the item is lost");
        Assert.Contains(issue, lost.GetProperty("syncError").GetString(), StringComparison.Ordinal);

        await PostmortemAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak, edited", "Bob"));
        await ItemWhenAsync(i => i.GetProperty("description").GetString() == "Fix the connection leak, edited", "the edit is stored");
        await RunJobAsync("status-sync");
        await RunJobAsync("follow-up-review");

        Assert.Equal("lost", (await ItemAsync()).GetProperty("syncState").GetString());
        Assert.Equal(1, _jira.CreateCalls);
        Assert.Contains(await TimelineAsync(), e => e.GetProperty("kind").GetString() == "action_item_lost");
    }

    [Fact]
    public async Task Jira_issue_moved_to_another_project_is_followed()
    {
        var issue = await JiraIssueAsync();
        var now = _jira.Edit(issue, DateTimeOffset.UtcNow);
        var moved = now with { Key = "OPS-7", Url = "https://acme.atlassian.net/browse/OPS-7" };

        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", moved, movedFrom: issue)));

        var item = await ItemWhenAsync(i => i.GetProperty("trackerKey").GetString() == "OPS-7", "the item follows OPS-7");
        Assert.Contains(await TimelineAsync(), e => e.GetProperty("kind").GetString() == "action_item_moved");
    }

    [Fact]
    public async Task Event_about_an_issue_that_is_no_action_item_is_stored_and_ignored()
    {
        var issue = await JiraIssueAsync();
        var stranger = new TrackerIssueChange("PAY-999", "https://acme.atlassian.net/browse/PAY-999", "done", null, DateTimeOffset.UtcNow);

        var response = await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", stranger));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await DeliveredAsync(response);
        var item = await ItemAsync();
        Assert.Equal("open", Status(item));
        Assert.Equal(issue, item.GetProperty("trackerKey").GetString());
    }

    [Fact]
    public async Task Repeated_delivery_id_is_accepted_once()
    {
        var issue = await JiraIssueAsync();
        var body = TrackerWebhooks.Jira("jira:issue_updated", _jira.Edit(issue, DateTimeOffset.UtcNow, status: "done"));
        var id = Guid.NewGuid().ToString();

        var first = await _hooks.PostJiraAsync(body, id);
        var again = await _hooks.PostJiraAsync(body, id);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var answer = await again.JsonAsync();
        Assert.True(answer.GetProperty("duplicate").GetBoolean());
        Assert.Equal(await first.DeliveryIdAsync(), answer.GetProperty("deliveryId").GetString());
    }

    [Fact]
    public async Task Bad_or_missing_signature_is_401_and_a_rotated_secret_is_accepted()
    {
        var body = TrackerWebhooks.Jira("jira:issue_updated", new TrackerIssueChange("PAY-1", "u", "open", null, DateTimeOffset.UtcNow));

        await (await _hooks.PostJiraAsync(body, secret: "not-the-secret")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await _hooks.PostJiraAsync(body, signature: "")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await _hooks.PostGitHubAsync(TrackerWebhooks.GitHubPing(), "ping", secret: "not-the-secret")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await _hooks.PostGitHubAsync(TrackerWebhooks.GitHubPing(), "ping", signature: "sha1=" + new string('0', 40))).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await using var rotated = new WorkerFactory(postgres.Settings(new Dictionary<string, string?>
        {
            ["IncidentBridge:Sources:Jira:WebhookSecrets:0"] = "new-secret",
            ["IncidentBridge:Sources:Jira:WebhookSecrets:1"] = TrackerWebhooks.JiraSecret,
        }));
        Assert.Equal(HttpStatusCode.Accepted, (await rotated.CreateClient().PostJiraAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await rotated.CreateClient().PostJiraAsync(body, secret: "new-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rotated.CreateClient().PostGitHubAsync(TrackerWebhooks.GitHubPing(), "ping")).StatusCode);
    }

    [Fact]
    public async Task Malformed_deliveries_are_400_naming_what_is_wrong()
    {
        await (await _hooks.PostJiraAsync("{\"timestamp\": 1}")).AssertProblemAsync(HttpStatusCode.BadRequest, "webhookEvent");
        await (await _hooks.PostJiraAsync("{\"webhookEvent\": \"jira:issue_updated\"}")).AssertProblemAsync(HttpStatusCode.BadRequest, "issue");
        await (await _hooks.PostJiraAsync("not json")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _hooks.PostGitHubAsync(TrackerWebhooks.GitHubPing(), eventType: null)).AssertProblemAsync(HttpStatusCode.BadRequest, "X-GitHub-Event");
        await (await _hooks.PostGitHubAsync("{\"action\": \"closed\", \"repository\": {\"full_name\": \"acme/payments\"}}")).AssertProblemAsync(HttpStatusCode.BadRequest, "issue");
    }

    [Fact]
    public async Task Lost_webhook_is_caught_by_the_next_status_sync_with_assignee_and_due_date()
    {
        var issue = await JiraIssueAsync();

        _jira.Edit(issue, DateTimeOffset.UtcNow, status: "in-progress", assignee: TrackerWebhooks.CarolJira, due: new DateOnly(2027, 2, 1));
        Assert.Equal("open", Status(await ItemAsync()));
        await RunJobAsync("status-sync");

        var item = await ItemAsync();
        Assert.Equal("in-progress", Status(item));
        Assert.Equal("Carol", item.GetProperty("owner").GetString());
        Assert.Equal("2027-02-01", item.GetProperty("dueDate").GetString());
    }

    [Fact]
    public async Task Status_sync_asks_jira_to_reconcile_the_issues_webhooks_told_of()
    {
        var issue = await JiraIssueAsync();
        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", _jira.Edit(issue, DateTimeOffset.UtcNow, status: "in-progress"))));

        await RunJobAsync("status-sync");

        Assert.Equal([_jira.All.Single().Number + 10000L], _jira.LastReconcile);
    }

    [Fact]
    public async Task Stale_webhook_delivered_after_a_newer_one_changes_nothing()
    {
        var issue = await JiraIssueAsync();
        var older = _jira.Edit(issue, DateTimeOffset.UtcNow.AddSeconds(-30), status: "in-progress");
        var newer = _jira.Edit(issue, DateTimeOffset.UtcNow, status: "done");

        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", newer)));
        await DeliveredAsync(await _hooks.PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", older)));

        Assert.Equal("done", Status(await ItemAsync()));
    }

    [Fact]
    public async Task Github_issue_closed_as_not_planned_reopened_and_labelled_in_progress_follows_each_step()
    {
        var issue = await GitHubIssueAsync();

        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("closed", _github.Edit(issue, DateTimeOffset.UtcNow.AddSeconds(-20), status: "not-doing"))));
        await ItemWhenAsync(i => Status(i) == "not-doing", "the item is not-doing");
        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("reopened", _github.Edit(issue, DateTimeOffset.UtcNow.AddSeconds(-10), status: "open"))));
        await ItemWhenAsync(i => Status(i) == "open", "the item is open again");
        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("labeled", _github.Edit(issue, DateTimeOffset.UtcNow, status: "in-progress"))));
        await ItemWhenAsync(i => Status(i) == "in-progress", "the item is in progress");
        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("closed", _github.Edit(issue, DateTimeOffset.UtcNow.AddSeconds(1), status: "done"))));
        await ItemWhenAsync(i => Status(i) == "done", "the item is done");
    }

    [Fact]
    public async Task Github_assignment_moves_the_item_to_the_owner_with_that_login()
    {
        var issue = await GitHubIssueAsync();

        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("assigned", _github.Edit(issue, DateTimeOffset.UtcNow, assignee: "Carol-GH"))));

        await ItemWhenAsync(i => i.GetProperty("owner").GetString() == "Carol", "the item is Carol's");
    }

    [Fact]
    public async Task Github_issue_transferred_to_another_repository_is_followed()
    {
        var issue = await GitHubIssueAsync();
        var before = _github.Edit(issue, DateTimeOffset.UtcNow.AddSeconds(-1));
        var after = before with { Key = "acme/platform#41", Url = "https://github.com/acme/platform/issues/41", UpdatedAt = DateTimeOffset.UtcNow };

        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("transferred", before, transferredTo: after)));

        var item = await ItemWhenAsync(i => i.GetProperty("trackerKey").GetString() == "acme/platform#41", "the item follows the transferred issue");
        Assert.Equal("https://github.com/acme/platform/issues/41", item.GetProperty("trackerUrl").GetString());
    }

    [Fact]
    public async Task Github_deleted_issue_marks_the_item_lost()
    {
        var issue = await GitHubIssueAsync();

        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHub("deleted", _github.Delete(issue))));

        await ItemWhenAsync(i => i.GetProperty("syncState").GetString() == "lost", "the item is lost");
        Assert.Equal(1, _github.CreateCalls);
    }

    [Fact]
    public async Task Github_ping_and_other_event_types_are_accepted_and_change_nothing()
    {
        var issue = await GitHubIssueAsync();
        var comment = TrackerWebhooks.GitHub("created", _github.Edit(issue, DateTimeOffset.UtcNow, status: "done"));

        await DeliveredAsync(await _hooks.PostGitHubAsync(TrackerWebhooks.GitHubPing(), "ping"));
        await DeliveredAsync(await _hooks.PostGitHubAsync(comment, "issue_comment"));

        Assert.Equal("open", Status(await ItemAsync()));
    }

    private async Task<string> JiraIssueAsync() => await IssueAsync("Bob", _jira);

    private async Task<string> GitHubIssueAsync() => await IssueAsync("Dave", _github);

    private async Task<string> IssueAsync(string owner, FakeTracker tracker)
    {
        await PostmortemAsync(PostmortemJson.Published().WithItem("1", "Fix the connection leak", owner));
        var item = await ItemWhenAsync(i => i.GetProperty("syncState").GetString() == "synced", "the item has its issue", TimeSpan.FromSeconds(20));
        Assert.Single(tracker.All);
        return item.GetProperty("trackerKey").GetString()!;
    }

    private async Task PostmortemAsync(PostmortemJson postmortem)
    {
        var response = await _api.PostAsync("/api/incidents/INC-2026-0001/postmortem", new StringContent(postmortem.ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task DeliveredAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Deliveries.ProcessedAsync(_api, await response.DeliveryIdAsync());
    }

    private async Task RunJobAsync(string job)
    {
        var response = await _api.PostAsync($"/api/jobs/{job}/run", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<IReadOnlyList<JsonElement>> ItemsAsync(string? owner = null) =>
        [.. (await (await _api.GetAsync(owner is null ? "/api/action-items" : $"/api/action-items?owner={owner}")).JsonAsync()).GetProperty("items").EnumerateArray()];

    private async Task<JsonElement> ItemAsync() => Assert.Single(await ItemsAsync());

    private async Task<JsonElement> ItemWhenAsync(Func<JsonElement, bool> condition, string because, TimeSpan? timeout = null) =>
        (await Eventually.UntilAsync(() => ItemsAsync(), items => items.Count == 1 && condition(items[0]), because, timeout ?? WithinSeconds, items => string.Join(", ", items.Select(i => i.ToString())))).Single();

    private async Task<IReadOnlyList<JsonElement>> TimelineAsync() =>
        [.. (await (await _api.GetAsync("/api/incidents/INC-2026-0001")).JsonAsync()).GetProperty("timeline").EnumerateArray()];

    private static string? Status(JsonElement item) => item.GetProperty("status").GetString();

    public sealed class OnSqlite() : TrackerWebhookTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : TrackerWebhookTests(postgres);
}
