namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>Status sync: what changed in a project since the last sync, asked for with one paged JQL search.</summary>
public sealed class JiraStatusSyncTests
{
    private const string SearchPath = "/rest/api/3/search/jql";

    private static readonly object[] NoChanges = [];

    // 12:40:30 at +02:00 is 10:40:30 UTC.
    private static readonly DateTimeOffset Since = new(2025, 3, 14, 12, 40, 30, TimeSpan.FromHours(2));

    [Fact]
    public async Task Changed_since_searches_the_projects_action_items_updated_since_the_overlap_in_UTC_oldest_first()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages(NoChanges);

        await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        var search = jira.SingleBody("POST", SearchPath);
        Assert.Equal(
            "project = \"PAY\" AND labels = \"action-item\" AND updated >= \"2025/03/14 10:25\" ORDER BY updated ASC",
            search.GetProperty("jql").GetString());
        Assert.Equal(["status", "resolution", "labels", "updated", "assignee", "duedate"], search.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.False(search.TryGetProperty("reconcileIssues", out _));
        Assert.Equal(100, search.GetProperty("maxResults").GetInt32());
        Assert.False(search.TryGetProperty("startAt", out _));
        Assert.False(search.TryGetProperty("nextPageToken", out _));
        Assert.Empty(jira.Requests("POST", "/rest/api/3/search"));
    }

    [Fact]
    public async Task Configured_sync_overlap_moves_the_window_start_back()
    {
        using var jira = JiraServer.Cloud(("SyncOverlap", "05:30:00")).AnswersTokenPages(NoChanges);

        await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        Assert.Contains("updated >= \"2025/03/14 05:10\"", jira.SingleBody("POST", SearchPath).GetProperty("jql").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_since_every_action_item_is_listed_with_no_updated_clause()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages(NoChanges);

        await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), null, [], CancellationToken.None);

        Assert.Equal(
            "project = \"PAY\" AND labels = \"action-item\" ORDER BY updated ASC",
            jira.SingleBody("POST", SearchPath).GetProperty("jql").GetString());
    }

    [Fact]
    public async Task Pages_follow_nextPageToken_until_isLast_and_count_each_request()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages(
            [JiraIssues.Changed("PAY-1", updated: "2025-03-14T10:20:00.000+0000"), JiraIssues.Changed("PAY-2", updated: "2025-03-14T10:21:00.000+0000")],
            [JiraIssues.Changed("PAY-3", updated: "2025-03-14T10:22:00.000+0000"), JiraIssues.Changed("PAY-4", updated: "2025-03-14T10:23:00.000+0000")],
            [JiraIssues.Changed("PAY-5", updated: "2025-03-14T10:24:00.000+0000")]);

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        Assert.Equal(["PAY-1", "PAY-2", "PAY-3", "PAY-4", "PAY-5"], changes.Issues.Select(i => i.Key));
        Assert.Equal(3, changes.Requests);
        var bodies = jira.Bodies("POST", SearchPath);
        Assert.Equal([null, "page-2", "page-3"], bodies.Select(b => b.TryGetProperty("nextPageToken", out var token) ? token.GetString() : null));
        Assert.All(bodies, b => Assert.Equal(bodies[0].GetProperty("jql").GetString(), b.GetProperty("jql").GetString()));
    }

    [Theory]
    [InlineData("new", "open")]
    [InlineData("indeterminate", "in-progress")]
    [InlineData("done", "done")]
    public async Task Status_comes_from_the_status_category_not_the_status_name(string category, string status)
    {
        // Every status in these answers is named "Closed".
        using var jira = JiraServer.Cloud().AnswersTokenPages([JiraIssues.Changed("PAY-7", category)]);

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        Assert.Equal(status, Assert.Single(changes.Issues).Status);
    }

    [Fact]
    public async Task Marker_label_is_extracted_and_an_issue_without_one_has_none()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages(
        [
            JiraIssues.Changed("PAY-7", "new", "2025-03-14T10:20:00.000+0000", "incident", "action-item", JiraIssues.Marker, "P1"),
            JiraIssues.Changed("PAY-8", "new", "2025-03-14T10:21:00.000+0000", "action-item"),
        ]);

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        Assert.Equal(JiraIssues.Marker, changes.Issues.Single(i => i.Key == "PAY-7").Marker);
        Assert.Null(changes.Issues.Single(i => i.Key == "PAY-8").Marker);
    }

    [Fact]
    public async Task Change_carries_the_browse_link_and_Jiras_updated_time_with_its_offset()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages([JiraIssues.Changed("PAY-7", "done", "2025-03-14T06:15:30.250-0500")]);

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        Assert.Equal(
            new TrackerIssueChange("PAY-7", jira.Mock.Url + "/browse/PAY-7", "done", null, new DateTimeOffset(2025, 3, 14, 11, 15, 30, 250, TimeSpan.Zero)) { HasDueDate = true, IssueId = 1 },
            Assert.Single(changes.Issues));
    }

    [Fact]
    public async Task Change_carries_assignee_due_date_and_a_wont_do_resolution_as_not_doing()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages([new
        {
            id = "10042",
            key = "PAY-9",
            fields = new
            {
                status = new { name = "Closed", statusCategory = new { key = "done" } },
                resolution = new { name = "Won't Do" },
                assignee = new { accountId = "5b10ac8d82e05b22cc7d4ef5", displayName = "Carol" },
                duedate = "2025-04-01",
                labels = new[] { "action-item", JiraIssues.Marker },
                updated = "2025-03-14T10:20:00.000+0000",
            },
        }]);

        var change = Assert.Single((await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None)).Issues);

        Assert.Equal("not-doing", change.Status);
        Assert.Equal("5b10ac8d82e05b22cc7d4ef5", change.Assignee);
        Assert.Equal(new DateOnly(2025, 4, 1), change.DueDate);
        Assert.Equal(10042, change.IssueId);
    }

    [Fact]
    public async Task Issues_a_webhook_told_of_are_sent_as_reconcileIssues_on_every_page()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages(
            [JiraIssues.Changed("PAY-1", updated: "2025-03-14T10:20:00.000+0000")],
            [JiraIssues.Changed("PAY-2", updated: "2025-03-14T10:21:00.000+0000")]);

        await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [10001, 10002], CancellationToken.None);

        Assert.All(jira.Bodies("POST", SearchPath), body => Assert.Equal([10001L, 10002L], body.GetProperty("reconcileIssues").EnumerateArray().Select(i => i.GetInt64())));
    }

    [Fact]
    public async Task Issue_edited_during_paging_is_returned_once_in_its_latest_state()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages(
            [JiraIssues.Changed("PAY-1", "new", "2025-03-14T10:20:00.000+0000"), JiraIssues.Changed("PAY-2", "new", "2025-03-14T10:21:00.000+0000")],
            [JiraIssues.Changed("PAY-1", "done", "2025-03-14T10:30:00.000+0000")]);

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None);

        Assert.Equal([("PAY-2", "open"), ("PAY-1", "done")], changes.Issues.Select(i => (i.Key, i.Status)));
    }

    [Fact]
    public async Task Issue_without_a_readable_updated_time_makes_the_answer_unreadable()
    {
        using var jira = JiraServer.Cloud().AnswersTokenPages([JiraIssues.Changed("PAY-7", updated: "yesterday")]);

        var error = await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), Since, [], CancellationToken.None));

        Assert.Contains("PAY-7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_Center_pages_with_startAt_until_total_on_api_2_search()
    {
        using var jira = JiraServer.DataCenter("pat-456").AnswersOffsetPages(
            [JiraIssues.Changed("OPS-1"), JiraIssues.Changed("OPS-2")],
            [JiraIssues.Changed("OPS-3"), JiraIssues.Changed("OPS-4")],
            [JiraIssues.Changed("OPS-5", "indeterminate", "2025-03-14T10:16:00.000+0000", JiraIssues.Marker)]);

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target("OPS"), Since, [], CancellationToken.None);

        Assert.Equal(["OPS-1", "OPS-2", "OPS-3", "OPS-4", "OPS-5"], changes.Issues.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, changes.Requests);
        Assert.Equal(new TrackerIssueChange("OPS-5", jira.Mock.Url + "/browse/OPS-5", "in-progress", JiraIssues.Marker, new DateTimeOffset(2025, 3, 14, 10, 16, 0, TimeSpan.Zero)) { HasDueDate = true, IssueId = 1 }, changes.Issues[^1]);
        var bodies = jira.Bodies("POST", "/rest/api/2/search");
        Assert.Equal([0, 2, 4], bodies.Select(b => b.GetProperty("startAt").GetInt32()));
        Assert.All(bodies, b => Assert.False(b.TryGetProperty("nextPageToken", out _)));
        Assert.Equal(
            "project = \"OPS\" AND labels = \"action-item\" AND updated >= \"2025/03/14 10:25\" ORDER BY updated ASC",
            bodies[0].GetProperty("jql").GetString());
        Assert.Empty(jira.Requests("POST", SearchPath));
    }
}
