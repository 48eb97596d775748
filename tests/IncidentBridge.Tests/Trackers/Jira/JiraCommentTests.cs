namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>Comments written at most once per item and purpose: looked for by their hidden marker before each post.</summary>
public sealed class JiraCommentTests
{
    private const string CommentPath = "/rest/api/3/issue/PAY-7/comment";

    private static readonly TrackerComment Review = new(JiraIssues.Marker, "review", "Four weeks on: is this still planned?");

    private static string Line => $"[incidentbridge:{Review.HiddenId}]";

    [Fact]
    public async Task Comment_carries_its_hidden_marker_as_a_property_and_a_trailing_line()
    {
        using var jira = JiraServer.Cloud().AnswersComments("PAY-7").Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await jira.Tracker.CommentOnceAsync(JiraIssues.Target(), "PAY-7", Review, CancellationToken.None);

        var comment = jira.SingleBody("POST", CommentPath);
        var property = Assert.Single(comment.GetProperty("properties").EnumerateArray());
        Assert.Equal("incidentbridge", property.GetProperty("key").GetString());
        Assert.Equal($"{JiraIssues.Marker}:review", property.GetProperty("value").GetProperty("id").GetString());
        var paragraph = Assert.Single(comment.GetProperty("body").GetProperty("content").EnumerateArray());
        Assert.Equal(
            ["text:Four weeks on: is this still planned?", "hardBreak:", "hardBreak:", $"text:{Line}"],
            paragraph.GetProperty("content").EnumerateArray().Select(n => $"{n.GetProperty("type").GetString()}:{(n.TryGetProperty("text", out var t) ? t.GetString() : "")}"));
        var read = Assert.Single(jira.Requests("GET", CommentPath));
        Assert.Equal("properties", JiraServer.Query(read, "expand"));
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Comment_found_by_its_property_is_not_posted_again()
    {
        using var jira = JiraServer.Cloud()
            .AnswersComments("PAY-7", [JiraIssues.Comment("1", "Looks good"), JiraIssues.Comment("2", "Four weeks on (edited by hand)", JiraIssues.MarkerProperty(Review.HiddenId))])
            .Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await jira.Tracker.CommentOnceAsync(JiraIssues.Target(), "PAY-7", Review, CancellationToken.None);

        Assert.Empty(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Comment_found_by_its_trailing_line_is_not_posted_again_where_properties_are_not_returned()
    {
        using var jira = JiraServer.Cloud()
            .AnswersComments("PAY-7", [JiraIssues.Comment("2", Line)])
            .Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await jira.Tracker.CommentOnceAsync(JiraIssues.Target(), "PAY-7", Review, CancellationToken.None);

        Assert.Empty(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Comment_for_another_purpose_does_not_count()
    {
        var overdue = new TrackerComment(JiraIssues.Marker, "overdue", "Overdue.");
        using var jira = JiraServer.Cloud()
            .AnswersComments("PAY-7", [JiraIssues.Comment("2", $"[incidentbridge:{overdue.HiddenId}]", JiraIssues.MarkerProperty(overdue.HiddenId))])
            .Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await jira.Tracker.CommentOnceAsync(JiraIssues.Target(), "PAY-7", Review, CancellationToken.None);

        Assert.Single(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Comments_are_read_page_by_page_until_the_marker_turns_up()
    {
        var first = Enumerable.Range(1, 100).Select(i => JiraIssues.Comment($"{i}", $"comment {i}")).ToArray();
        using var jira = JiraServer.Cloud()
            .AnswersComments("PAY-7", first, [JiraIssues.Comment("101", "Four weeks on", JiraIssues.MarkerProperty(Review.HiddenId))])
            .Answers("POST", CommentPath, 201, """{"id":"10010"}""");

        await jira.Tracker.CommentOnceAsync(JiraIssues.Target(), "PAY-7", Review, CancellationToken.None);

        Assert.Equal(["0", "100"], jira.Requests("GET", CommentPath).Select(r => JiraServer.Query(r, "startAt")));
        Assert.Empty(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Comment_on_a_deleted_issue_is_rejected()
    {
        using var jira = JiraServer.Cloud().Answers("GET", CommentPath, 404, """{"errorMessages":["Issue does not exist or you do not have permission to see it."]}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.CommentOnceAsync(JiraIssues.Target(), "PAY-7", Review, CancellationToken.None));

        Assert.Contains("Jira issue PAY-7 was not found", error.Message, StringComparison.Ordinal);
        Assert.Empty(jira.Requests("POST", CommentPath));
    }

    [Fact]
    public async Task Data_Center_comment_is_wiki_text_whose_escaped_marker_line_is_recognised()
    {
        const string Path = "/rest/api/2/issue/OPS-5/comment";
        using var jira = JiraServer.DataCenter("pat-456").AnswersComments("OPS-5", "2").Answers("POST", Path, 201, """{"id":"10010"}""");

        await jira.Tracker.CommentOnceAsync(JiraIssues.Target("OPS"), "OPS-5", Review, CancellationToken.None);

        var body = jira.SingleBody("POST", Path).GetProperty("body").GetString();
        Assert.Equal($"Four weeks on: is this still planned?\n\n\\[incidentbridge:{Review.HiddenId}\\]", body);

        using var again = JiraServer.DataCenter("pat-456").AnswersComments("OPS-5", "2", [new { id = "10010", body }]).Answers("POST", Path, 201, """{"id":"10011"}""");

        await again.Tracker.CommentOnceAsync(JiraIssues.Target("OPS"), "OPS-5", Review, CancellationToken.None);

        Assert.Empty(again.Requests("POST", Path));
    }

    [Fact]
    public async Task Duplicate_is_commented_and_closed()
    {
        var duplicate = new TrackerComment(JiraIssues.Marker, "duplicate", "Duplicate of PAY-3: the action item is tracked there.");
        using var jira = JiraServer.Cloud()
            .AnswersComments("PAY-7")
            .Answers("POST", CommentPath, 201, """{"id":"10010"}""")
            .AnswersIssueStatus("PAY-7", "new", [JiraServer.Transition("11", "In Progress", "indeterminate"), JiraServer.Transition("31", "Closed", "done")])
            .Answers("POST", "/rest/api/3/issue/PAY-7/transitions", 204);

        await jira.Tracker.CloseAsDuplicateAsync(JiraIssues.Target(), "PAY-7", "PAY-3", duplicate, CancellationToken.None);

        Assert.Contains("Duplicate of PAY-3", jira.SingleBody("POST", CommentPath).GetRawText(), StringComparison.Ordinal);
        Assert.Equal("31", jira.SingleBody("POST", "/rest/api/3/issue/PAY-7/transitions").GetProperty("transition").GetProperty("id").GetString());
        var order = jira.Mock.LogEntries.Where(e => e.RequestMessage?.Method == "POST").Select(e => e.RequestMessage?.Path).ToList();
        Assert.Equal([CommentPath, "/rest/api/3/issue/PAY-7/transitions"], order);
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Duplicate_already_commented_and_closed_is_left_alone()
    {
        var duplicate = new TrackerComment(JiraIssues.Marker, "duplicate", "Duplicate of PAY-3.");
        using var jira = JiraServer.Cloud()
            .AnswersComments("PAY-7", [JiraIssues.Comment("5", "Duplicate of PAY-3.", JiraIssues.MarkerProperty(duplicate.HiddenId))])
            .AnswersIssueStatus("PAY-7", "done", [JiraServer.Transition("61", "Reopen", "new")]);

        await jira.Tracker.CloseAsDuplicateAsync(JiraIssues.Target(), "PAY-7", "PAY-3", duplicate, CancellationToken.None);

        Assert.DoesNotContain(jira.Mock.LogEntries, e => e.RequestMessage?.Method == "POST");
    }
}
