namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubStatusTests : IDisposable
{
    private const string Key = "acme/payments#40";
    private const string IssuePath = $"{GitHubFake.IssuesPath}/40";

    private readonly GitHubFake _github = new();

    [Fact]
    public async Task In_progress_item_gets_the_in_progress_label()
    {
        _github.RespondToGet(40, GitHubFake.Issue(40, labels: ["action-item"]));
        _github.RespondToNewLabel(40, "in-progress");

        await _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, "in-progress", CancellationToken.None);

        var labels = Assert.Single(_github.Bodies("POST", $"{IssuePath}/labels"));
        Assert.Equal(["in-progress"], labels.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(0, _github.Count("PATCH", IssuePath));
    }

    [Fact]
    public async Task In_progress_label_already_there_is_not_added_again()
    {
        _github.RespondToGet(40, GitHubFake.Issue(40, labels: ["action-item", "in-progress"]));

        await _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, "in-progress", CancellationToken.None);

        Assert.Equal(0, _github.Count("POST", $"{IssuePath}/labels"));
    }

    [Fact]
    public async Task Done_item_is_closed_as_completed()
    {
        var open = GitHubFake.Issue(40, labels: ["action-item"]);
        open["milestone"] = new JsonObject { ["number"] = 3, ["title"] = "Q3 reliability" };
        _github.RespondToGet(40, open);
        _github.RespondToUpdate(40, GitHubFake.Issue(40, state: "closed", stateReason: "completed"));

        await _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, "done", CancellationToken.None);

        var patch = Assert.Single(_github.Bodies("PATCH", IssuePath));
        Assert.Equal("closed", patch.GetProperty("state").GetString());
        Assert.Equal("completed", patch.GetProperty("state_reason").GetString());
        Assert.Equal(3, patch.GetProperty("milestone").GetInt32());
        Assert.False(patch.TryGetProperty("labels", out _), "closing must not touch the labels");
        Assert.False(patch.TryGetProperty("body", out _), "closing must not touch the body");
    }

    [Fact]
    public async Task Not_doing_item_is_closed_as_not_planned()
    {
        _github.RespondToGet(40, GitHubFake.Issue(40));
        _github.RespondToUpdate(40, GitHubFake.Issue(40, state: "closed", stateReason: "not_planned"));

        await _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, "not-doing", CancellationToken.None);

        Assert.Equal("not_planned", Assert.Single(_github.Bodies("PATCH", IssuePath)).GetProperty("state_reason").GetString());
    }

    [Theory]
    [InlineData("done", "completed")]
    [InlineData("done", "not_planned")]
    [InlineData("in-progress", "completed")]
    [InlineData("not-doing", "completed")]
    public async Task Closed_issue_is_never_reopened_relabelled_or_closed_again(string status, string reason)
    {
        _github.RespondToGet(40, GitHubFake.Issue(40, state: "closed", stateReason: reason));

        await _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, status, CancellationToken.None);

        Assert.Equal(["GET"], _github.Server.LogEntries.Select(e => e.RequestMessage?.Method));
    }

    [Fact]
    public async Task Open_status_asks_GitHub_for_nothing()
    {
        await _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, "open", CancellationToken.None);

        Assert.Empty(_github.Server.LogEntries);
    }

    [Fact]
    public async Task Unknown_status_is_refused_without_a_call()
    {
        await Assert.ThrowsAsync<TrackerRejectedException>(() => _github.Tracker().SetStatusAsync(GitHubFake.Target, Key, "blocked", CancellationToken.None));

        Assert.Empty(_github.Server.LogEntries);
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(410, "This issue was deleted")]
    public async Task Status_of_a_deleted_issue_is_refused(int status, string message) =>
        await _github.AssertRejectedAsDeletedAsync(status, message, tracker => tracker.SetStatusAsync(GitHubFake.Target, Key, "done", CancellationToken.None));

    [Fact]
    public async Task Status_of_an_issue_in_another_repository_is_set_there()
    {
        _github.RespondToGet("acme/ledger", 5, GitHubFake.Issue(5, repository: "acme/ledger"));
        _github.RespondToUpdate("acme/ledger", 5, GitHubFake.Issue(5, state: "closed", repository: "acme/ledger"));

        await _github.Tracker().SetStatusAsync(GitHubFake.Target, "acme/ledger#5", "done", CancellationToken.None);

        Assert.Equal(JsonValueKind.Object, Assert.Single(_github.Bodies("PATCH", "/api/v3/repos/acme/ledger/issues/5")).ValueKind);
    }

    public void Dispose() => _github.Dispose();
}
