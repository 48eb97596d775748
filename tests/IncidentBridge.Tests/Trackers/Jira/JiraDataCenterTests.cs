namespace IncidentBridge.Tests.Trackers.Jira;

public sealed class JiraDataCenterTests
{
    [Fact]
    public async Task Data_Center_create_sends_a_wiki_text_description_to_api_2_with_a_bearer_token()
    {
        using var jira = JiraServer.DataCenter("pat-456")
            .AnswersUserSearch(new[] { new { name = "alice", emailAddress = "alice@example.com", active = true } }, api: "2")
            .AnswersCreate("OPS-5", api: "2");

        var issue = await jira.Tracker.CreateAsync(JiraIssues.Target("OPS"), JiraIssues.New(new("alice@example.com", null, null)), CancellationToken.None);

        Assert.Equal("OPS-5", issue.Key);
        var request = Assert.Single(jira.Requests("POST", "/rest/api/2/issue"));
        Assert.Equal("Bearer pat-456", JiraServer.Header(request, "Authorization"));
        var fields = jira.SingleBody("POST", "/rest/api/2/issue").GetProperty("fields");
        var description = fields.GetProperty("description").GetString() ?? "";
        Assert.StartsWith(JiraIssues.Description + "\n\n", description, StringComparison.Ordinal);
        Assert.Contains("*Incident:* [INC-42 — Checkout errors|https://bridge.example.com/api/incidents/INC-42]", description, StringComparison.Ordinal);
        Assert.Equal("alice", fields.GetProperty("assignee").GetProperty("name").GetString());
        var search = Assert.Single(jira.Requests("GET", "/rest/api/2/user/search"));
        Assert.Equal("alice@example.com", JiraServer.Query(search, "username"));
        Assert.Empty(jira.Requests("POST", "/rest/api/3/issue"));
    }

    [Fact]
    public async Task Data_Center_marker_search_uses_api_2_search_with_start_at()
    {
        using var jira = JiraServer.DataCenter("pat-456")
            .Answers("POST", "/rest/api/2/search", 200, """
                {"startAt":0,"maxResults":2,"total":1,"issues":[{"key":"OPS-5","fields":{"status":{"statusCategory":{"key":"indeterminate"}}}}]}
                """);

        var issue = (await jira.Tracker.FindByMarkerAsync(JiraIssues.Target("OPS"), JiraIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal("in-progress", issue?.Status);
        var search = jira.SingleBody("POST", "/rest/api/2/search");
        Assert.Equal(0, search.GetProperty("startAt").GetInt32());
        Assert.Contains($"labels = \"{JiraIssues.Marker}\"", search.GetProperty("jql").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_Center_uses_the_configured_user_name_without_a_lookup()
    {
        using var jira = JiraServer.DataCenter("pat-456").AnswersCreate("OPS-6", api: "2");

        await jira.Tracker.CreateAsync(JiraIssues.Target("OPS"), JiraIssues.New(new("alice@example.com", "asmith", null)), CancellationToken.None);

        Assert.Equal("asmith", jira.SingleBody("POST", "/rest/api/2/issue").GetProperty("fields").GetProperty("assignee").GetProperty("name").GetString());
        Assert.Empty(jira.Requests("GET", "/rest/api/2/user/search"));
    }
}
