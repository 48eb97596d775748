namespace IncidentBridge.Tests.Trackers.Jira;

public sealed class JiraSearchTests
{
    [Theory]
    [InlineData("new", "open")]
    [InlineData("indeterminate", "in-progress")]
    [InlineData("done", "done")]
    public async Task Marker_search_uses_search_jql_with_the_label_and_maps_status_categories(string category, string status)
    {
        using var jira = JiraServer.Cloud().AnswersSearch(("PAY-7", category));

        var issue = (await jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.NotNull(issue);
        Assert.Equal("PAY-7", issue.Key);
        Assert.Equal(status, issue.Status);
        Assert.Equal(jira.Mock.Url + "/browse/PAY-7", issue.Url);
        var search = jira.SingleBody("POST", "/rest/api/3/search/jql");
        Assert.Equal($"project = \"PAY\" AND labels = \"{JiraIssues.Marker}\"", search.GetProperty("jql").GetString());
        Assert.Equal(["summary", "status", "resolution"], search.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(10, search.GetProperty("maxResults").GetInt32());
        Assert.False(search.TryGetProperty("startAt", out _));
        Assert.Empty(jira.Requests("POST", "/rest/api/3/search"));
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Marker_search_finds_nothing_when_no_issue_carries_the_label()
    {
        using var jira = JiraServer.Cloud().AnswersSearch();

        var issue = (await jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Null(issue);
    }

    [Fact]
    public async Task Marker_on_several_issues_resolves_to_the_oldest()
    {
        using var jira = JiraServer.Cloud().AnswersSearch(("PAY-31", "new"), ("PAY-9", "done"));

        var issue = (await jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal("PAY-9", issue?.Key);
    }

    [Fact]
    public async Task Every_issue_carrying_the_marker_is_returned_oldest_first()
    {
        using var jira = JiraServer.Cloud().AnswersSearch(("PAY-31", "new"), ("PAY-9", "done"), ("PAY-12", "indeterminate"));

        var issues = await jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None);

        Assert.Equal(["PAY-9", "PAY-12", "PAY-31"], issues.Select(i => i.Key));
    }

    [Fact]
    public async Task Marker_search_reports_an_issue_closed_as_wont_do_as_not_doing()
    {
        using var jira = JiraServer.Cloud().Answers("POST", "/rest/api/3/search/jql", 200, """
            {"issues":[{"id":"1","key":"PAY-7","fields":{"status":{"statusCategory":{"key":"done"}},"resolution":{"name":"Won't Do"}}}],"isLast":true}
            """);

        var issue = Assert.Single(await jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None));

        Assert.Equal("not-doing", issue.Status);
    }

    [Fact]
    public async Task Quotes_in_the_project_cannot_change_the_query()
    {
        using var jira = JiraServer.Cloud().AnswersSearch();

        (await jira.Tracker.FindByMarkerAsync(JiraIssues.Target("PAY\" OR project = \"HR"), JiraIssues.Marker, CancellationToken.None)).FirstOrDefault();

        var jql = jira.SingleBody("POST", "/rest/api/3/search/jql").GetProperty("jql").GetString();
        Assert.StartsWith("project = \"PAY\\\" OR project = \\\"HR\" AND", jql, StringComparison.Ordinal);
    }
}
