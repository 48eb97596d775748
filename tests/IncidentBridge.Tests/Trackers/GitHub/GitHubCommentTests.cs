namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubCommentTests : IDisposable
{
    private const string Review = "Week-4 review: this item is still open.";

    private static readonly TrackerComment ReviewComment = new(TestIssues.Marker, "review", Review);

    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Comment_is_written_with_its_hidden_id()
    {
        _github.RespondToComments(40, [GitHubFake.Comment(1, "Looking into it.")]);
        _github.RespondToNewComment(40);

        await _github.Tracker().CommentOnceAsync(GitHubFake.Target, "acme/payments#40", ReviewComment, CancellationToken.None);

        var sent = Assert.Single(_github.Bodies("POST", $"{GitHubFake.IssuesPath}/40/comments"));
        Assert.Equal($"{Review}\n\n<!-- incidentbridge:comment={TestIssues.Marker}:review -->\n", sent.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Comment_already_written_is_not_written_again()
    {
        // On the second page: every page is looked through.
        _github.RespondToComments(
            40,
            [GitHubFake.Comment(1, "Looking into it.")],
            [GitHubFake.Comment(2, $"{Review}\r\n\r\n<!-- incidentbridge:comment={TestIssues.Marker}:review -->")]);

        await _github.Tracker().CommentOnceAsync(GitHubFake.Target, "acme/payments#40", ReviewComment, CancellationToken.None);

        Assert.Equal(2, _github.Count("GET", $"{GitHubFake.IssuesPath}/40/comments"));
        Assert.Equal(0, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments"));
    }

    [Fact]
    public async Task Comment_of_another_purpose_does_not_count()
    {
        _github.RespondToComments(40, [GitHubFake.Comment(1, $"Overdue.\n\n<!-- incidentbridge:comment={TestIssues.Marker}:overdue -->")]);
        _github.RespondToNewComment(40);

        await _github.Tracker().CommentOnceAsync(GitHubFake.Target, "acme/payments#40", ReviewComment, CancellationToken.None);

        Assert.Equal(1, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments"));
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(410, "This issue was deleted")]
    public async Task Comment_on_a_deleted_issue_is_refused(int status, string message)
    {
        await _github.AssertRejectedAsDeletedAsync(status, message, tracker => tracker.CommentOnceAsync(GitHubFake.Target, "acme/payments#40", ReviewComment, CancellationToken.None));

        Assert.Equal(0, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments"));
    }

    [Fact]
    public async Task Duplicate_is_closed_as_not_planned_with_a_comment_naming_the_kept_issue()
    {
        _github.RespondToComments(41, []);
        _github.RespondToNewComment(41);
        _github.RespondToGet(41, GitHubFake.Issue(41));
        _github.RespondToUpdate(41, GitHubFake.Issue(41, state: "closed", stateReason: "not_planned"));
        var comment = new TrackerComment(TestIssues.Marker, "duplicate", "IncidentBridge keeps one issue per action item.");

        await _github.Tracker().CloseAsDuplicateAsync(GitHubFake.Target, "acme/payments#41", "acme/payments#40", comment, CancellationToken.None);

        var sent = Assert.Single(_github.Bodies("POST", $"{GitHubFake.IssuesPath}/41/comments"));
        Assert.Equal(
            $"IncidentBridge keeps one issue per action item.\n\nDuplicate of #40\n\n<!-- incidentbridge:comment={TestIssues.Marker}:duplicate -->\n",
            sent.GetProperty("body").GetString());
        var patch = Assert.Single(_github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/41"));
        Assert.Equal("closed", patch.GetProperty("state").GetString());
        Assert.Equal("not_planned", patch.GetProperty("state_reason").GetString());
        Assert.Equal(0, _github.Count("PATCH", $"{GitHubFake.IssuesPath}/40"));
    }

    [Theory]
    [InlineData("Duplicate of #40: one issue per action item.", "Duplicate of #40: one issue per action item.")]
    [InlineData("duplicate of #40", "duplicate of #40")]
    [InlineData("Duplicate of #400 was a typo.", "Duplicate of #400 was a typo.\n\nDuplicate of #40")]
    public async Task Duplicate_comment_names_the_kept_issue_once(string text, string written)
    {
        _github.RespondToComments(41, []);
        _github.RespondToNewComment(41);
        _github.RespondToGet(41, GitHubFake.Issue(41, state: "closed"));

        await _github.Tracker().CloseAsDuplicateAsync(GitHubFake.Target, "41", "#40", new TrackerComment(TestIssues.Marker, "duplicate", text), CancellationToken.None);

        var sent = Assert.Single(_github.Bodies("POST", $"{GitHubFake.IssuesPath}/41/comments"));
        Assert.StartsWith($"{written}\n\n<!-- incidentbridge:comment=", sent.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_of_an_issue_in_another_repository_names_it_in_full()
    {
        _github.RespondToComments(41, []);
        _github.RespondToNewComment(41);
        _github.RespondToGet(41, GitHubFake.Issue(41, state: "closed"));

        await _github.Tracker().CloseAsDuplicateAsync(GitHubFake.Target, "acme/payments#41", "acme/ledger#3", new TrackerComment(TestIssues.Marker, "duplicate", "Kept elsewhere."), CancellationToken.None);

        var sent = Assert.Single(_github.Bodies("POST", $"{GitHubFake.IssuesPath}/41/comments"));
        Assert.StartsWith("Kept elsewhere.\n\nDuplicate of acme/ledger#3\n\n", sent.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_already_commented_and_closed_is_left_alone()
    {
        _github.RespondToComments(41, [GitHubFake.Comment(9, $"Duplicate of #40\n\n<!-- incidentbridge:comment={TestIssues.Marker}:duplicate -->")]);
        _github.RespondToGet(41, GitHubFake.Issue(41, state: "closed", stateReason: "completed"));

        await _github.Tracker().CloseAsDuplicateAsync(GitHubFake.Target, "acme/payments#41", "acme/payments#40", new TrackerComment(TestIssues.Marker, "duplicate", "Duplicate."), CancellationToken.None);

        Assert.DoesNotContain(_github.Server.LogEntries, e => e.RequestMessage?.Method is "POST" or "PATCH");
    }

    [Fact]
    public async Task Issue_is_not_closed_as_a_duplicate_of_itself()
    {
        await Assert.ThrowsAsync<TrackerRejectedException>(
            () => _github.Tracker().CloseAsDuplicateAsync(GitHubFake.Target, "acme/payments#40", "#40", new TrackerComment(TestIssues.Marker, "duplicate", "Duplicate."), CancellationToken.None));

        Assert.Empty(_github.Server.LogEntries);
    }

    public void Dispose() => _github.Dispose();
}
