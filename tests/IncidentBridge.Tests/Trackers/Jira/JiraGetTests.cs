namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>An issue a postmortem names, read by its key rather than searched for.</summary>
public sealed class JiraGetTests
{
    private const string IssuePath = "/rest/api/3/issue/PAY-123";

    [Fact]
    public async Task Get_reads_the_issue_by_key_with_its_link_and_status()
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-123", "indeterminate", []);

        var issue = await jira.Tracker.GetAsync(JiraIssues.Target(), "PAY-123", CancellationToken.None);

        Assert.Equal(new TrackerIssue("PAY-123", jira.Mock.Url + "/browse/PAY-123", "in-progress"), issue);
        var read = Assert.Single(jira.Requests("GET", IssuePath));
        Assert.Equal("summary,status,resolution,labels", JiraServer.Query(read, "fields"));
        Assert.Empty(jira.Requests("POST", "/rest/api/3/search/jql"));
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Get_of_a_missing_issue_is_null()
    {
        using var jira = JiraServer.Cloud().Answers("GET", IssuePath, 404, """{"errorMessages":["Issue does not exist or you do not have permission to see it."]}""");

        var issue = await jira.Tracker.GetAsync(JiraIssues.Target(), "PAY-123", CancellationToken.None);

        Assert.Null(issue);
    }

    [Fact]
    public async Task Get_of_a_moved_issue_answers_with_its_new_key()
    {
        using var jira = JiraServer.Cloud().Answers("GET", IssuePath, 200, """{"id":"1","key":"OPS-9","fields":{"status":{"statusCategory":{"key":"new"}}}}""");

        var issue = await jira.Tracker.GetAsync(JiraIssues.Target(), "PAY-123", CancellationToken.None);

        Assert.Equal("OPS-9", issue?.Key);
        Assert.Equal(jira.Mock.Url + "/browse/OPS-9", issue?.Url);
    }

    [Theory]
    [InlineData("Won't Do")]
    [InlineData("Won't Fix")]
    [InlineData("Duplicate")]
    [InlineData("Cannot Reproduce")]
    [InlineData("Declined")]
    [InlineData("Won’t Do")]
    public async Task Issue_closed_without_the_work_is_not_doing(string resolution)
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-123", new { status = new { statusCategory = new { key = "done" } }, resolution = new { name = resolution } });

        var issue = await jira.Tracker.GetAsync(JiraIssues.Target(), "PAY-123", CancellationToken.None);

        Assert.Equal("not-doing", issue?.Status);
    }

    [Theory]
    [InlineData("done", "Done", "done")]
    [InlineData("done", "Fixed", "done")]
    [InlineData("new", "Won't Do", "open")]
    public async Task Only_a_done_issue_resolved_without_the_work_is_not_doing(string category, string resolution, string status)
    {
        using var jira = JiraServer.Cloud().AnswersIssue("PAY-123", new { status = new { statusCategory = new { key = category } }, resolution = new { name = resolution } });

        var issue = await jira.Tracker.GetAsync(JiraIssues.Target(), "PAY-123", CancellationToken.None);

        Assert.Equal(status, issue?.Status);
    }

    [Fact]
    public async Task Get_answered_403_is_rejected_not_taken_for_missing()
    {
        using var jira = JiraServer.Cloud().Answers("GET", IssuePath, 403, """{"errorMessages":["You do not have the permission to see the specified issue."]}""");

        await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.GetAsync(JiraIssues.Target(), "PAY-123", CancellationToken.None));
    }

    [Fact]
    public async Task Every_call_is_rejected_while_jira_is_not_configured()
    {
        using var jira = JiraServer.Cloud(("BaseUrl", null), ("Email", null), ("ApiToken", null));
        var target = JiraIssues.Target();
        var comment = new TrackerComment(JiraIssues.Marker, "review", "Still planned?");
        Func<Task>[] calls =
        [
            () => jira.Tracker.FindByMarkerAsync(target, JiraIssues.Marker, CancellationToken.None),
            () => jira.Tracker.GetAsync(target, "PAY-1", CancellationToken.None),
            () => jira.Tracker.CreateAsync(target, JiraIssues.New(), CancellationToken.None),
            () => jira.Tracker.UpdateAsync(target, "PAY-1", JiraIssues.New(), CancellationToken.None),
            () => jira.Tracker.SetStatusAsync(target, "PAY-1", "open", CancellationToken.None),
            () => jira.Tracker.SetStatusAsync(target, "PAY-1", "done", CancellationToken.None),
            () => jira.Tracker.GetChangedSinceAsync(target, null, [], CancellationToken.None),
            () => jira.Tracker.CommentOnceAsync(target, "PAY-1", comment, CancellationToken.None),
            () => jira.Tracker.FlagOverdueAsync(target, "PAY-1", comment, CancellationToken.None),
            () => jira.Tracker.CloseAsDuplicateAsync(target, "PAY-2", "PAY-1", comment, CancellationToken.None),
        ];

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<TrackerRejectedException>(call);
            Assert.Contains("Jira is not configured", error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(jira.Mock.LogEntries);
    }
}
