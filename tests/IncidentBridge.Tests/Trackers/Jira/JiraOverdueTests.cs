namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>The week-4 review's flag: the <c>overdue</c> label and a comment on the issue, at most once.</summary>
public sealed class JiraOverdueTests
{
    private const string IssuePath = "/rest/api/3/issue/PAY-7";
    private const string CommentPath = "/rest/api/3/issue/PAY-7/comment";
    private const string Comment = "Overdue: due 2025-03-14.\nPlease update the action item or its due date.";

    [Fact]
    public async Task Flag_overdue_adds_the_overdue_label_without_replacing_others_then_posts_an_ADF_comment()
    {
        using var jira = JiraServer.Cloud().Answers("PUT", IssuePath, 204).AnswersComments("PAY-7").Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await jira.Tracker.FlagOverdueAsync(JiraIssues.Target(), "PAY-7", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None);

        Assert.Equal("""{"update":{"labels":[{"add":"overdue"}]}}""", jira.SingleBody("PUT", IssuePath).GetRawText());
        var body = jira.SingleBody("POST", CommentPath).GetProperty("body");
        Assert.Equal("doc", body.GetProperty("type").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var paragraph = Assert.Single(body.GetProperty("content").EnumerateArray());
        Assert.Equal("paragraph", paragraph.GetProperty("type").GetString());
        Assert.Equal(
            ["text:Overdue: due 2025-03-14.", "hardBreak:", "text:Please update the action item or its due date.", "hardBreak:", "hardBreak:", "text:[incidentbridge:incidentbridge-0:overdue]"],
            paragraph.GetProperty("content").EnumerateArray().Select(n => $"{n.GetProperty("type").GetString()}:{(n.TryGetProperty("text", out var t) ? t.GetString() : "")}"));
        var order = jira.Mock.LogEntries.Select(e => e.RequestMessage?.Method).ToList();
        Assert.Equal(["PUT", "GET", "POST"], order);
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Overdue_comment_already_on_the_issue_is_not_posted_again()
    {
        var overdue = new TrackerComment(JiraIssues.Marker, "overdue", Comment);
        using var jira = JiraServer.Cloud()
            .Answers("PUT", IssuePath, 204)
            .AnswersComments("PAY-7", [JiraIssues.Comment("10010", Comment, JiraIssues.MarkerProperty(overdue.HiddenId))])
            .Answers("POST", CommentPath, 201, """{"id":"10011"}""");

        await jira.Tracker.FlagOverdueAsync(JiraIssues.Target(), "PAY-7", overdue, CancellationToken.None);

        Assert.Single(jira.Requests("PUT", IssuePath));
        Assert.Empty(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Data_Center_flag_posts_a_wiki_text_comment_to_api_2()
    {
        using var jira = JiraServer.DataCenter("pat-456")
            .Answers("PUT", "/rest/api/2/issue/OPS-5", 204)
            .AnswersComments("OPS-5", "2")
            .Answers("POST", "/rest/api/2/issue/OPS-5/comment", 201, """{"id":"10010"}""");

        await jira.Tracker.FlagOverdueAsync(JiraIssues.Target("OPS"), "OPS-5", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None);

        Assert.StartsWith(Comment + "\n\n", jira.SingleBody("POST", "/rest/api/2/issue/OPS-5/comment").GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal("overdue", jira.SingleBody("PUT", "/rest/api/2/issue/OPS-5").GetProperty("update").GetProperty("labels")[0].GetProperty("add").GetString());
    }

    [Fact]
    public async Task Flag_on_a_deleted_issue_is_rejected_saying_the_issue_was_not_found()
    {
        using var jira = JiraServer.Cloud().Answers("PUT", IssuePath, 404, """{"errorMessages":["Issue does not exist or you do not have permission to see it."]}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.FlagOverdueAsync(JiraIssues.Target(), "PAY-7", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None));

        Assert.Contains("Jira issue PAY-7 was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("Issue does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Comment_answered_503_is_not_retried_since_it_may_have_been_posted()
    {
        using var jira = JiraServer.Cloud().Answers("PUT", IssuePath, 204).AnswersComments("PAY-7").Answers("POST", CommentPath, 503);

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.FlagOverdueAsync(JiraIssues.Target(), "PAY-7", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None));

        Assert.Single(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Label_edit_answered_503_fails_before_any_comment_is_posted()
    {
        using var jira = JiraServer.Cloud(("MaxRetryAttempts", "1")).Answers("PUT", IssuePath, 503).Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.FlagOverdueAsync(JiraIssues.Target(), "PAY-7", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None));

        Assert.Equal(2, jira.Requests("PUT", IssuePath).Count);
        Assert.Empty(jira.Requests("POST", CommentPath));
    }
}
