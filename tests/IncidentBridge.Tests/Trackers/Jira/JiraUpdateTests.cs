using IncidentBridge.Trackers.Jira;

namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>An edited item brought to its issue: read first, then only what differs, with labels people added left alone.</summary>
public sealed class JiraUpdateTests
{
    private const string IssuePath = "/rest/api/3/issue/PAY-12";

    private static readonly TrackerAssignee Alice = new(null, "acc-1", null);

    [Fact]
    public async Task Update_sends_description_and_swaps_the_priority_label()
    {
        using var jira = JiraServer.Cloud()
            .AnswersIssue("PAY-12", Current(labels: ["incident", "action-item", "p2", "customer-asked", JiraIssues.Marker], description: "Add a canary."))
            .Answers("PUT", IssuePath, 204);

        await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice), CancellationToken.None);

        var edit = jira.SingleBody("PUT", IssuePath);
        var description = edit.GetProperty("fields").GetProperty("description");
        Assert.True(JsonElement.DeepEquals(AdfDescription.Render(JiraIssues.New().Content, JiraOwner.Matched), description), description.GetRawText());
        Assert.Equal(
            ["remove:p2", "add:p1", "add:team-payments"],
            edit.GetProperty("update").GetProperty("labels").EnumerateArray().Select(op => string.Join(",", op.EnumerateObject().Select(p => $"{p.Name}:{p.Value.GetString()}"))));
        Assert.False(edit.GetProperty("fields").TryGetProperty("labels", out _));
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Update_puts_summary_due_date_priority_and_assignee()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current()).Answers("PUT", IssuePath, 204);
        var issue = JiraIssues.New(new TrackerAssignee(null, "acc-2", null)) with { Title = "Add a canary for payments-api, now", Priority = "P0", DueDate = new DateOnly(2025, 4, 1) };

        await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", issue, CancellationToken.None);

        var fields = jira.SingleBody("PUT", IssuePath).GetProperty("fields");
        Assert.Equal("Add a canary for payments-api, now", fields.GetProperty("summary").GetString());
        Assert.Equal("2025-04-01", fields.GetProperty("duedate").GetString());
        Assert.Equal("Highest", fields.GetProperty("priority").GetProperty("name").GetString());
        Assert.Equal("acc-2", fields.GetProperty("assignee").GetProperty("accountId").GetString());
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Adopted_issue_gets_the_marker_and_action_item_labels_added_and_keeps_its_own()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current(labels: ["backend"])).Answers("PUT", IssuePath, 204);

        await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice), CancellationToken.None);

        var operations = jira.SingleBody("PUT", IssuePath).GetProperty("update").GetProperty("labels").EnumerateArray().ToList();
        Assert.All(operations, op => Assert.True(op.TryGetProperty("add", out _), op.GetRawText()));
        Assert.Equal(["incident", "action-item", "p1", "team-payments", JiraIssues.Marker], operations.Select(op => op.GetProperty("add").GetString()));
    }

    [Fact]
    public async Task Issue_that_already_matches_its_item_is_not_edited()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current()).Answers("PUT", IssuePath, 204);

        var issue = await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice), CancellationToken.None);

        Assert.Equal(new TrackerIssue("PAY-12", jira.Mock.Url + "/browse/PAY-12", "open"), issue);
        Assert.Empty(jira.Requests("PUT", IssuePath));
    }

    [Fact]
    public async Task Due_date_the_item_no_longer_has_is_cleared()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current()).Answers("PUT", IssuePath, 204);

        await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice) with { DueDate = null }, CancellationToken.None);

        var edit = jira.SingleBody("PUT", IssuePath);
        Assert.Equal("""{"update":{"duedate":[{"set":null}]}}""", edit.GetRawText());
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Unmatched_owner_leaves_the_issues_assignee_alone()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current(assignee: "someone-else")).Answers("PUT", IssuePath, 204);

        await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(), CancellationToken.None);

        var fields = jira.SingleBody("PUT", IssuePath).GetProperty("fields");
        Assert.False(fields.TryGetProperty("assignee", out _));
        Assert.Contains("Owner could not be matched to a Jira user", fields.GetProperty("description").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_jira_refuses_to_assign_on_update_is_left_out_with_a_note()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current(assignee: null, priority: "Low")).Answers("PUT", IssuePath, 204);
        jira.Mock.Given(Request.Create().WithPath(IssuePath).UsingPut().WithBody(new JsonPartialMatcher(new { fields = new { assignee = new { accountId = "acc-1" } } })))
            .AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { errorMessages = Array.Empty<string>(), errors = new { assignee = "User 'acc-1' cannot be assigned issues." } }));

        var issue = await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice), CancellationToken.None);

        Assert.Equal("Owner alice could not be assigned in Jira: User 'acc-1' cannot be assigned issues.", issue.Note);
        var edits = jira.Bodies("PUT", IssuePath);
        Assert.Equal(2, edits.Count);
        var fields = edits[1].GetProperty("fields");
        Assert.False(fields.TryGetProperty("assignee", out _));
        Assert.Equal("High", fields.GetProperty("priority").GetProperty("name").GetString());
        Assert.Contains("alice (could not be assigned in Jira)", fields.GetProperty("description").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_reports_the_status_it_read()
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-12", Current(category: "indeterminate")).Answers("PUT", IssuePath, 204);

        var issue = await jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice) with { Title = "Renamed" }, CancellationToken.None);

        Assert.Equal("in-progress", issue.Status);
        Assert.Null(issue.Note);
    }

    [Fact]
    public async Task Update_of_a_deleted_issue_is_rejected_without_an_edit()
    {
        using var jira = JiraServer.Cloud().Answers("GET", IssuePath, 404, """{"errorMessages":["Issue does not exist or you do not have permission to see it."]}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.UpdateAsync(JiraIssues.Target(), "PAY-12", JiraIssues.New(Alice), CancellationToken.None));

        Assert.Contains("Jira issue PAY-12 was not found", error.Message, StringComparison.Ordinal);
        Assert.Empty(jira.Requests("PUT", IssuePath));
    }

    [Fact]
    public async Task Data_Center_update_compares_and_sends_the_wiki_description()
    {
        using var jira = JiraServer.DataCenter("pat-456")
            .AnswersIssue("OPS-5", new { summary = "Add a canary for payments-api", description = "old text", labels = new[] { "incident", "action-item", "p1", "team-payments", JiraIssues.Marker }, duedate = "2025-03-14", priority = new { name = "High" }, assignee = new { name = "asmith" } }, api: "2")
            .Answers("PUT", "/rest/api/2/issue/OPS-5", 204);

        await jira.Tracker.UpdateAsync(JiraIssues.Target("OPS"), "OPS-5", JiraIssues.New(new TrackerAssignee(null, "asmith", null)), CancellationToken.None);

        var edit = jira.SingleBody("PUT", "/rest/api/2/issue/OPS-5");
        Assert.Equal(["description"], edit.GetProperty("fields").EnumerateObject().Select(p => p.Name));
        Assert.StartsWith(JiraIssues.Description + "\n\n", edit.GetProperty("fields").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(edit.TryGetProperty("update", out _));
    }

    /// <summary>PAY-12 as it was created from <see cref="JiraIssues.New"/> for alice (account <c>acc-1</c>), with the parts a test changes.</summary>
    private static object Current(string[]? labels = null, string? assignee = "acc-1", string priority = "High", string category = "new", string? description = null) => new
    {
        summary = "Add a canary for payments-api",
        status = new { name = "Some status", statusCategory = new { key = category } },
        labels = labels ?? ["incident", "action-item", "p1", "team-payments", JiraIssues.Marker],
        description = AdfDescription.Render(JiraIssues.New().Content with { Description = description ?? JiraIssues.Description }, JiraOwner.Matched),
        duedate = "2025-03-14",
        priority = new { name = priority },
        assignee = assignee is null ? null : new { accountId = assignee, displayName = "Alice" },
    };
}
