using Dapper;
using IncidentBridge.Tests.ActionItems;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// Re-posting a postmortem keeps each tracker issue on its own action (README, "Postmortems and action items"): a row
/// number is not an identity, an item without an id is known by its text, and an item naming its ticket adopts it.
/// The whole worker runs, with the in-memory tracker; <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.
/// </summary>
public abstract class ActionItemIdentityTests(PostgresServer? postgres) : JiraRoutedTests(postgres)
{
    [Fact]
    public async Task Inserting_a_markdown_row_and_renumbering_keeps_each_issue_on_its_action()
    {
        await PostMarkdownAsync(Table(("1", "Fix the connection leak", "Bob"), ("2", "Add pool metrics", "Carol"), ("3", "Write a runbook", "Dave")));
        await SyncedItemsAsync(3);
        var before = await StoredAsync();

        var response = await PostMarkdownAsync(Table(
            ("1", "Fix the connection leak", "Bob"), ("2", "Add a canary stage", "Eve"), ("3", "Add pool metrics", "Carol"), ("4", "Write a runbook", "Dave")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await SyncedItemsAsync(4);
        var after = await StoredAsync();
        foreach (var old in before)
        {
            var now = after.Single(row => row.Id == old.Id);
            Assert.Equal((old.Description, old.ItemKey, old.Marker, old.TrackerKey), (now.Description, now.ItemKey, now.Marker, now.TrackerKey));
            Assert.Null(now.RemovedAt);
            Assert.Equal(old.Description, Issue(now.TrackerKey).Request.Content.Description);
        }

        var added = Assert.Single(after, row => before.All(old => old.Id != row.Id));
        Assert.Equal("Add a canary stage", added.Description);
        Assert.DoesNotContain(added.ItemKey, before.Select(old => old.ItemKey));
        Assert.Equal(4, Jira.CreateCalls);
        Assert.Equal(0, Jira.UpdateCalls);
        Assert.Equal(["Fix the connection leak", "Add a canary stage", "Add pool metrics", "Write a runbook"], (await ItemsAsync()).Select(i => i.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task Removing_a_markdown_row_and_renumbering_keeps_the_rest_on_their_issues()
    {
        await PostMarkdownAsync(Table(("1", "Fix the connection leak", "Bob"), ("2", "Add pool metrics", "Carol"), ("3", "Write a runbook", "Dave")));
        await SyncedItemsAsync(3);
        var before = await StoredAsync();

        await PostMarkdownAsync(Table(("1", "Fix the connection leak", "Bob"), ("2", "Write a runbook", "Dave")));

        var items = await SyncedItemsAsync(2);
        Assert.Equal(["Fix the connection leak", "Write a runbook"], items.Select(i => i.GetProperty("description").GetString()));
        Assert.Equal(
            before.Where(row => row.Description != "Add pool metrics").Select(row => row.TrackerKey),
            items.Select(i => i.GetProperty("trackerKey").GetString()));
        Assert.Equal((3, 0), (Jira.CreateCalls, Jira.UpdateCalls));
        var removed = Assert.Single(await TimelineAsync("action_item_removed"));
        Assert.Contains("Add pool metrics", removed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fixing_a_typo_in_a_json_item_without_id_updates_its_issue_not_a_second_one()
    {
        await PostJsonAsync(Item("Fix the conection leak", "Bob"), Item("Add pool metrics", "Carol"));
        var synced = await SyncedItemsAsync(2);
        var before = await StoredAsync();

        await PostJsonAsync(Item("Fix the connection leak", "Bob"), Item("Add pool metrics", "Carol"));

        await Eventually.UntilAsync(() => Task.FromResult(Jira.UpdateCalls), calls => calls == 1, "the reworded item's issue is updated");
        var items = await SyncedItemsAsync(2);
        Assert.Equal(2, Jira.CreateCalls);
        Assert.Equal(2, Jira.Issues.Count);
        var fixedItem = before.Single(row => row.Description == "Fix the conection leak");
        Assert.Equal("Fix the connection leak", Issue(fixedItem.TrackerKey).Request.Content.Description);
        Assert.Equal(synced.Select(i => i.GetProperty("key").GetString()), items.Select(i => i.GetProperty("key").GetString()));
        Assert.Empty(await TimelineAsync("action_item_removed"));
    }

    [Fact]
    public async Task Rewording_and_recasing_items_without_ids_keeps_them_by_owner_and_place()
    {
        await PostJsonAsync(Item("Fix the leak", "Bob"), Item("Add pool metrics", "Carol"), Item("Write a runbook", "Bob"));
        await SyncedItemsAsync(3);
        var before = await StoredAsync();

        // Carol's is re-cased and moved up; Bob's two are reworded: the first of his unmatched rows is still his first
        // item, the second his second.
        await PostJsonAsync(Item("  ADD POOL   metrics ", "Carol"), Item("Fix the connection leak in the error handler", "Bob"), Item("Write the pool runbook", "Bob"));

        await Eventually.UntilAsync(() => Task.FromResult(Jira.UpdateCalls), calls => calls == 3, "each edited item's issue is updated");
        await SyncedItemsAsync(3);
        Assert.Equal(3, Jira.CreateCalls);
        Assert.Empty(await TimelineAsync("action_item_removed"));
        var after = await StoredAsync();
        Assert.Equal("Fix the connection leak in the error handler", after.Single(row => row.Id == before.Single(old => old.Description == "Fix the leak").Id).Description);
        Assert.Equal("Write the pool runbook", after.Single(row => row.Id == before.Single(old => old.Description == "Write a runbook").Id).Description);
    }

    [Fact]
    public async Task Json_items_with_ids_are_matched_by_id_whatever_their_order()
    {
        await PostJsonAsync(Item("Fix the leak", "Bob", id: "AI-1"), Item("Add pool metrics", "Carol", id: "AI-2"), Item("Write a runbook", "Dave", id: "AI-3"));
        await SyncedItemsAsync(3);
        var before = await StoredAsync();

        // Reordered, and AI-2 now reads like AI-1 did: the id decides, not the text or the place.
        await PostJsonAsync(Item("Write a runbook", "Dave", id: "AI-3"), Item("Fix the leak", "Carol", id: "AI-2"), Item("Fix the leak for good", "Bob", id: "AI-1"));

        await Eventually.UntilAsync(() => Task.FromResult(Jira.UpdateCalls), calls => calls == 2, "the two changed items' issues are updated");
        await SyncedItemsAsync(3);
        Assert.Equal(3, Jira.CreateCalls);
        var after = await StoredAsync();
        Assert.Equal(before.Select(row => (row.Id, row.ItemKey, row.Marker, row.TrackerKey)), before.Select(row => after.Single(now => now.Id == row.Id)).Select(row => (row.Id, row.ItemKey, row.Marker, row.TrackerKey)));
        Assert.Equal(("Fix the leak", "Carol"), Owned(after.Single(row => row.ItemKey == "AI-2")));
        Assert.Equal(("Fix the leak for good", "Bob"), Owned(after.Single(row => row.ItemKey == "AI-1")));
        Assert.Equal("Fix the leak for good", Issue(before.Single(row => row.ItemKey == "AI-1").TrackerKey).Request.Content.Description);
    }

    [Fact]
    public async Task Rows_with_the_same_description_are_distinct_items()
    {
        var response = await PostMarkdownAsync(Table(("", "Write a runbook", "Bob"), ("", "Write a runbook", "Carol"), ("", "Fix the leak", "Dave")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var items = await SyncedItemsAsync(3);
        Assert.Equal(3, Jira.CreateCalls);
        Assert.Equal(3, items.Select(i => i.GetProperty("key").GetString()).Distinct().Count());
        var before = await StoredAsync();

        // Carol's row moves up, and a third runbook row arrives: each owner keeps their issue, the new row gets its own.
        await PostMarkdownAsync(Table(("", "Write a runbook", "Carol"), ("", "Fix the leak", "Dave"), ("", "Write a runbook", "Eve"), ("", "Write a runbook", "Bob")));

        await SyncedItemsAsync(4);
        Assert.Equal((4, 0), (Jira.CreateCalls, Jira.UpdateCalls));
        var after = await StoredAsync();
        Assert.All(before, old => Assert.Equal(old.Owner, after.Single(row => row.Id == old.Id).Owner));
        Assert.Equal(4, after.Select(row => row.Marker).Distinct().Count());
        Assert.Equal(["Bob", "Carol", "Dave", "Eve"], Jira.Issues.Select(i => i.Request.Content.Owner).Order());
    }

    [Fact]
    public async Task Two_items_with_the_same_id_are_400_naming_the_second()
    {
        var response = await PostJsonAsync(Item("Fix the leak", "Bob", id: "AI-1"), Item("Add pool metrics", "Carol", id: "AI-1"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "actionItems[1].id");
    }

    [Fact]
    public async Task Item_naming_its_ticket_adopts_it_instead_of_creating()
    {
        var leak = Jira.AddByHand("by-hand", Existing("Fix the leak"));
        var metrics = Jira.AddByHand("by-hand", Existing("Pool metrics"));

        await PostJsonAsync(Item("Fix the connection leak", "Bob", trackerKey: leak.Key), Item("Add pool metrics", "Carol", jiraTicket: metrics.Key), Item("Write a runbook", "Dave"));

        var items = await SyncedItemsAsync(3);
        Assert.Equal(1, Jira.CreateCalls);
        var stored = await StoredAsync();
        Assert.Equal([leak.Key, metrics.Key, null], stored.Select(row => row.AdoptKey));
        Assert.Equal([leak.Key, metrics.Key], items.Take(2).Select(i => i.GetProperty("trackerKey").GetString()));

        // Adopted, then kept up to date: the item's text and its marker, so a retry finds it.
        Assert.Equal((stored[0].Marker, "Fix the connection leak"), (leak.Marker, leak.Request.Content.Description));
        Assert.Equal((stored[1].Marker, "Add pool metrics"), (metrics.Marker, metrics.Request.Content.Description));
    }

    [Fact]
    public async Task Markdown_ticket_column_adopts_its_issue_instead_of_creating()
    {
        var leak = Jira.AddByHand("by-hand", Existing("Fix the leak"));

        await PostMarkdownAsync($"""
            # Checkout outage

            **Date:** 2026-11-23
            **Status:** Published

            ## Action Items

            | # | Action | Owner | Priority | Jira |
            |---|---|---|---|---|
            | 1 | Fix the connection leak | Bob | P1 | {leak.Key} |
            | 2 | Add pool metrics | Carol | P2 | TBD |
            """);

        var items = await SyncedItemsAsync(2);
        Assert.Equal(1, Jira.CreateCalls);
        Assert.Equal(leak.Key, items[0].GetProperty("trackerKey").GetString());
        Assert.Equal([leak.Key, null], (await StoredAsync()).Select(row => row.AdoptKey));
        Assert.Equal("Fix the connection leak", leak.Request.Content.Description);
    }

    [Fact]
    public async Task Ticket_named_on_a_later_post_is_adopted_while_the_item_has_no_issue()
    {
        var leak = Jira.AddByHand("by-hand", Existing("Fix the leak"));
        await PostJsonAsync("draft", Item("Fix the connection leak", "Bob"));

        await PostJsonAsync(Item("Fix the connection leak", "Bob", trackerKey: $"https://jira.example/browse/{leak.Key}"));

        var item = Assert.Single(await SyncedItemsAsync(1));
        Assert.Equal(leak.Key, item.GetProperty("trackerKey").GetString());
        Assert.Equal(0, Jira.CreateCalls);
    }

    [Theory]
    [InlineData("PAY 12")]
    [InlineData("pay-12")]
    [InlineData("PAY-12, PAY-13")]
    public async Task Malformed_tracker_key_is_400_naming_the_field(string trackerKey)
    {
        var response = await PostJsonAsync(Item("Fix the leak", "Bob"), Item("Add pool metrics", "Carol", trackerKey: trackerKey));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "actionItems[1].trackerKey");
        Assert.Contains(trackerKey, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Worker.CountAsync("action_items"));
    }

    [Fact]
    public async Task Null_json_item_is_400_naming_it()
    {
        var body = new JsonObject { ["title"] = "Checkout outage", ["status"] = "published", ["actionItems"] = new JsonArray(Item("Fix the leak", "Bob"), null) };

        var response = await PostPostmortemAsync(body.ToJsonString(), "application/json");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "actionItems[1]");
    }

    [Fact]
    public async Task Malformed_markdown_ticket_is_400_naming_table_row_and_column()
    {
        var response = await PostMarkdownAsync("""
            # Checkout outage

            | Action | Owner | Ticket |
            |---|---|---|
            | Fix the leak | Bob | PAY-1 |
            | Add pool metrics | Carol | the one Carol opened |
            """);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "table 1 \"Checkout outage\", row 2, Ticket");
    }

    [Fact]
    public async Task Giving_items_ids_later_keeps_their_issues()
    {
        await PostJsonAsync(Item("Fix the leak", "Bob"), Item("Add pool metrics", "Carol"));
        await SyncedItemsAsync(2);
        var before = await StoredAsync();

        await PostJsonAsync(Item("Fix the leak", "Bob", id: "AI-1"), Item("Add pool metrics", "Carol", id: "AI-2"));
        var rekeyed = await StoredAsync();
        await PostJsonAsync(Item("Fix the leak for good", "Bob", id: "AI-1"), Item("Add pool metrics", "Carol", id: "AI-2"), Item("Write a runbook", "Dave"));

        await SyncedItemsAsync(3);
        await Eventually.UntilAsync(() => Task.FromResult(Jira.UpdateCalls), calls => calls == 1, "the reworded item's issue is updated");
        Assert.Equal(["AI-1", "AI-2"], rekeyed.Select(row => row.ItemKey));
        Assert.Equal(before.Select(row => (row.Id, row.Marker, row.TrackerKey)), rekeyed.Select(row => (row.Id, row.Marker, row.TrackerKey)));
        Assert.Equal(3, Jira.CreateCalls);
        var after = await StoredAsync();
        Assert.Equal(3, after.Select(row => row.Marker).Distinct().Count());
        Assert.Equal(3, after.Select(row => row.ItemKey).Distinct().Count());
    }

    [Fact]
    public async Task Items_stored_under_row_numbers_keep_their_issues_when_rows_are_renumbered()
    {
        // Ids "1".."3": the keys earlier versions gave the rows of a "#" column.
        await PostJsonAsync(Item("Fix the connection leak", "Bob", id: "1"), Item("Add pool metrics", "Carol", id: "2"), Item("Write a runbook", "Dave", id: "3"));
        await SyncedItemsAsync(3);
        var before = await StoredAsync();

        await PostMarkdownAsync(Table(("1", "Add a canary stage", "Eve"), ("2", "Fix the connection leak", "Bob"), ("3", "Add pool metrics", "Carol"), ("4", "Write a runbook", "Dave")));

        await SyncedItemsAsync(4);
        Assert.Equal((4, 0), (Jira.CreateCalls, Jira.UpdateCalls));
        var after = await StoredAsync();
        Assert.All(before, old => Assert.Equal((old.ItemKey, old.Description), (after.Single(row => row.Id == old.Id).ItemKey, after.Single(row => row.Id == old.Id).Description)));
    }

    public sealed class OnSqlite() : ActionItemIdentityTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : ActionItemIdentityTests(postgres);

    /// <summary>An item as the JSON model has it; without a type, like the rows of <see cref="Table"/>.</summary>
    private static JsonObject Item(string description, string owner, string? id = null, string? trackerKey = null, string? jiraTicket = null)
    {
        var item = new JsonObject { ["description"] = description, ["owner"] = owner, ["priority"] = "P1", ["dueDate"] = "2026-12-01", ["status"] = "open" };
        if (id is not null)
        {
            item["id"] = id;
        }

        if (trackerKey is not null)
        {
            item["trackerKey"] = trackerKey;
        }

        if (jiraTicket is not null)
        {
            item["jiraTicket"] = jiraTicket;
        }

        return item;
    }

    /// <summary>A published postmortem whose action-item table has a "#" column (empty cells leave it blank).</summary>
    private static string Table(params (string Number, string Action, string Owner)[] rows) =>
        $"""
        # Checkout outage

        **Date:** 2026-11-23
        **Severity:** SEV2
        **Status:** Published

        ## Action Items

        | # | Action | Owner | Priority | Due Date | Status |
        |---|---|---|---|---|---|
        {string.Join("\n", rows.Select(row => $"| {row.Number} | {row.Action} | {row.Owner} | P1 | 2026-12-01 | Open |"))}
        """;

    private static NewTrackerIssue Existing(string title) => new(
        "by-hand", title, new IssueContent(title, null, "someone", Incident, "Checkout outage", "", "", null, null), ["by-hand"], "P2", null, null, "open");

    private static (string Description, string Owner) Owned(ActionItemRow row) => (row.Description, row.Owner);

    private FakeTracker.FakeIssue Issue(string? key) => Jira.All.Single(issue => issue.Key == key);

    private Task<HttpResponseMessage> PostJsonAsync(params JsonObject[] items) => PostJsonAsync("published", items);

    private Task<HttpResponseMessage> PostJsonAsync(string status, params JsonObject[] items)
    {
        var body = new JsonObject
        {
            ["title"] = "Checkout outage",
            ["date"] = "2026-11-23",
            ["severity"] = "SEV2",
            ["status"] = status,
            ["actionItems"] = new JsonArray([.. items]),
        };
        return PostPostmortemAsync(body.ToJsonString(), "application/json");
    }

    private Task<HttpResponseMessage> PostMarkdownAsync(string markdown) => PostPostmortemAsync(markdown, "text/markdown");

    /// <summary>The items as stored, removed ones included, in postmortem order: what the API does not show (markers, adopt keys).</summary>
    private async Task<IReadOnlyList<ActionItemRow>> StoredAsync()
    {
        await using var connection = await Worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<ActionItemRow>($"SELECT {ActionItemStore.Columns} FROM action_items ORDER BY position, seq")).ToList();
    }

    private async Task<IReadOnlyList<string?>> TimelineAsync(string kind) =>
        (await Incidents.GetAsync(Incident)).GetProperty("timeline").EnumerateArray()
            .Where(entry => entry.GetProperty("kind").GetString() == kind)
            .Select(entry => entry.GetProperty("message").GetString())
            .ToList();

    private protected override async Task<IReadOnlyList<JsonElement>> ItemsAsync() =>
        (await (await Worker.CreateApiClient().GetAsync("/api/postmortems/PM-2026-0001")).JsonAsync()).GetProperty("actionItems").EnumerateArray().ToList();
}
