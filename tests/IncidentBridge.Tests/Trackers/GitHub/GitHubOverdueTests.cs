namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubOverdueTests : IDisposable
{
    private const string Comment = "This action item was due on 2025-03-01 and is overdue.";

    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Flagging_overdue_adds_the_overdue_label_and_the_comment()
    {
        _github.RespondToOverdueFlag(40);

        await _github.Tracker().FlagOverdueAsync(GitHubFake.Target, "acme/payments#40", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None);

        var labels = Assert.Single(_github.Bodies("POST", $"{GitHubFake.IssuesPath}/40/labels"));
        Assert.Equal(["overdue"], labels.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var comment = Assert.Single(_github.Bodies("POST", $"{GitHubFake.IssuesPath}/40/comments"));
        Assert.Equal($"{Comment}\n\n<!-- incidentbridge:comment=incidentbridge-0:overdue -->\n", comment.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Overdue_comment_already_on_the_issue_is_not_written_again()
    {
        // An earlier flag's answer was lost after GitHub had written the comment.
        _github.RespondToOverdueFlag(40, GitHubFake.Comment(1, "Looking into it."), GitHubFake.Comment(2, $"{Comment}\n\n<!-- incidentbridge:comment=incidentbridge-0:overdue -->\n"));

        await _github.Tracker().FlagOverdueAsync(GitHubFake.Target, "acme/payments#40", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None);

        Assert.Equal(1, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/labels"));
        Assert.Equal(0, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments"));
    }

    [Fact]
    public async Task Flagging_overdue_keeps_the_write_pace()
    {
        _github.RespondToOverdueFlag(40);
        var time = new FakeTimeProvider();
        var flag = _github.Tracker(time, createsPerMinute: 60).FlagOverdueAsync(GitHubFake.Target, "acme/payments#40", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None);
        await WaitUntilAsync(() => _github.Count("POST", $"{GitHubFake.IssuesPath}/40/labels") == 1);
        await StaysTrueAsync(() => _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments") == 0, TimeSpan.FromMilliseconds(300));

        time.Advance(TimeSpan.FromSeconds(1));

        await flag.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments"));
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(410, "Issue deleted")]
    public async Task Flagging_a_deleted_or_transferred_issue_is_rejected(int status, string message)
    {
        await _github.AssertRejectedAsDeletedAsync(status, message, tracker => tracker.FlagOverdueAsync(GitHubFake.Target, "acme/payments#40", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None));

        Assert.Equal(0, _github.Count("POST", $"{GitHubFake.IssuesPath}/40/comments"));
    }

    [Fact]
    public async Task Flagging_a_key_that_is_no_issue_number_is_rejected_without_a_call()
    {
        await Assert.ThrowsAsync<TrackerRejectedException>(() => _github.Tracker().FlagOverdueAsync(GitHubFake.Target, "PAY-40", new TrackerComment("incidentbridge-0", "overdue", Comment), CancellationToken.None));

        Assert.Empty(_github.Server.LogEntries);
    }

    public void Dispose() => _github.Dispose();

    /// <summary>Polls for <paramref name="duration"/> and fails as soon as <paramref name="condition"/> stops holding.</summary>
    private static async Task StaysTrueAsync(Func<bool> condition, TimeSpan duration)
    {
        var deadline = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(condition(), "the comment waits for the pace while the clock stands still");
            await Task.Delay(25);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(25);
        }
    }
}
