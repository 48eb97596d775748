namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>The item's own status applied to its issue: a transition into the right status category, once, never back.</summary>
public sealed class JiraSetStatusTests
{
    private const string IssuePath = "/rest/api/3/issue/PAY-15";
    private const string TransitionsPath = "/rest/api/3/issue/PAY-15/transitions";

    private static readonly object[] Workflow =
    [
        JiraServer.Transition("11", "In Progress", "indeterminate"),
        JiraServer.Transition("31", "Closed", "done"),
        JiraServer.Transition("41", "Resolved", "done"),
        JiraServer.Transition("51", "In Review", "indeterminate"),
    ];

    [Fact]
    public async Task Done_item_is_transitioned_to_a_done_category_status()
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-15", "new", Workflow).Answers("POST", TransitionsPath, 204);

        await jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", "done", CancellationToken.None);

        Assert.Equal("31", jira.SingleBody("POST", TransitionsPath).GetProperty("transition").GetProperty("id").GetString());
        var read = Assert.Single(jira.Requests("GET", IssuePath));
        Assert.Equal("transitions", JiraServer.Query(read, "expand"));
        Assert.Empty(jira.Requests("GET", TransitionsPath));
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task In_progress_item_moves_to_an_indeterminate_status()
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-15", "new", Workflow).Answers("POST", TransitionsPath, 204);

        await jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", "in-progress", CancellationToken.None);

        Assert.Equal("11", jira.SingleBody("POST", TransitionsPath).GetProperty("transition").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("done", "done")]
    [InlineData("in-progress", "indeterminate")]
    [InlineData("in-progress", "done")]
    public async Task Issue_already_there_or_closed_is_not_transitioned(string status, string category)
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-15", category, Workflow).Answers("POST", TransitionsPath, 204);

        await jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", status, CancellationToken.None);

        Assert.Empty(jira.Requests("POST", TransitionsPath));
    }

    [Fact]
    public async Task Open_item_asks_jira_for_nothing()
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-15", "indeterminate", Workflow);

        await jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", "open", CancellationToken.None);

        Assert.Empty(jira.Mock.LogEntries);
    }

    [Fact]
    public async Task Done_item_stays_as_it_is_when_the_workflow_has_no_done_transition()
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-16", "new", [JiraServer.Transition("11", "In Progress", "indeterminate")]);

        await jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-16", "done", CancellationToken.None);

        Assert.Empty(jira.Requests("POST", "/rest/api/3/issue/PAY-16/transitions"));
    }

    [Fact]
    public async Task Transition_whose_screen_requires_a_field_is_rejected()
    {
        using var jira = JiraServer.Cloud()
            .AnswersIssueStatus("PAY-15", "new", Workflow)
            .Answers("POST", TransitionsPath, 400, """{"errorMessages":[],"errors":{"resolution":"Resolution is required."}}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", "done", CancellationToken.None));

        Assert.Contains("resolution: Resolution is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transition_answered_503_is_not_repeated_in_process()
    {
        using var jira = JiraServer.Cloud().AnswersIssueStatus("PAY-15", "new", Workflow).Answers("POST", TransitionsPath, 503);

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", "done", CancellationToken.None));

        Assert.Single(jira.Requests("POST", TransitionsPath));
    }

    [Fact]
    public async Task Status_of_a_deleted_issue_is_rejected()
    {
        using var jira = JiraServer.Cloud().Answers("GET", IssuePath, 404, """{"errorMessages":["Issue does not exist or you do not have permission to see it."]}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.SetStatusAsync(JiraIssues.Target(), "PAY-15", "done", CancellationToken.None));

        Assert.Contains("Jira issue PAY-15 was not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_Center_transition_goes_to_api_2()
    {
        using var jira = JiraServer.DataCenter("pat-456")
            .AnswersIssueStatus("OPS-5", "new", Workflow, api: "2")
            .Answers("POST", "/rest/api/2/issue/OPS-5/transitions", 204);

        await jira.Tracker.SetStatusAsync(JiraIssues.Target("OPS"), "OPS-5", "done", CancellationToken.None);

        Assert.Equal("31", jira.SingleBody("POST", "/rest/api/2/issue/OPS-5/transitions").GetProperty("transition").GetProperty("id").GetString());
    }
}
