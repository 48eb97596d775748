namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubLookupTests : IDisposable
{
    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Marker_lookup_finds_the_existing_issue_and_ignores_pull_requests()
    {
        var hidden = $"{TestIssues.Description}\n\n<!-- incidentbridge:marker={TestIssues.Marker} -->\n";
        _github.RespondToMarkerSearch(
            TestIssues.Marker,
            GitHubFake.PullRequest(5, [TestIssues.Marker]),
            GitHubFake.Issue(9, state: "closed", body: hidden, labels: [TestIssues.Marker]));

        var found = await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None);

        Assert.Equal([new("acme/payments#9", "https://ghe.example.com/acme/payments/issues/9", "done")], found);
    }

    [Fact]
    public async Task Open_issue_found_by_marker_is_open()
    {
        _github.RespondToMarkerSearch(TestIssues.Marker, GitHubFake.Issue(11, labels: [TestIssues.Marker]));

        var found = (await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal("open", found?.Status);
    }

    [Fact]
    public async Task Every_issue_with_the_marker_is_found_oldest_first()
    {
        _github.RespondToMarkerSearch(
            TestIssues.Marker,
            GitHubFake.Issue(8, body: $"x\n<!-- incidentbridge:marker={TestIssues.Marker} -->", labels: [TestIssues.Marker]),
            GitHubFake.Issue(3, body: "someone copied the label", labels: [TestIssues.Marker]),
            GitHubFake.Issue(12, body: $"y\n<!-- incidentbridge:marker={TestIssues.Marker} -->", labels: [TestIssues.Marker]));

        var found = await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None);

        Assert.Equal(["acme/payments#3", "acme/payments#8", "acme/payments#12"], found.Select(i => i.Key));
    }

    [Fact]
    public async Task Marker_lookup_without_a_match_finds_nothing()
    {
        _github.RespondToMarkerSearch(TestIssues.Marker, GitHubFake.PullRequest(5, [TestIssues.Marker]));

        var found = await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None);

        Assert.Empty(found);
    }

    [Theory]
    [InlineData("acme/ledger#7", "acme/ledger")]
    [InlineData("7", "acme/payments")]
    [InlineData("#7", "acme/payments")]
    [InlineData("{server}/acme/ledger/issues/7", "acme/ledger")]
    public async Task Issue_is_got_by_owner_repo_number_or_url(string key, string repository)
    {
        _github.RespondToGet(repository, 7, GitHubFake.Issue(7, labels: ["in-progress"], repository: repository));

        var issue = await _github.Tracker().GetAsync(GitHubFake.Target, key.Replace("{server}", _github.Server.Urls[0], StringComparison.Ordinal), CancellationToken.None);

        Assert.Equal(new($"{repository}#7", $"https://ghe.example.com/{repository}/issues/7", "in-progress"), issue);
    }

    [Theory]
    [InlineData("closed", "completed", "done")]
    [InlineData("closed", null, "done")]
    [InlineData("closed", "not_planned", "not-doing")]
    [InlineData("closed", "duplicate", "not-doing")]
    [InlineData("open", "reopened", "open")]
    public async Task Closed_as_not_planned_reads_as_not_doing(string state, string? reason, string status)
    {
        _github.RespondToGet(7, GitHubFake.Issue(7, state: state, stateReason: reason));

        var issue = await _github.Tracker().GetAsync(GitHubFake.Target, "acme/payments#7", CancellationToken.None);

        Assert.Equal(status, issue?.Status);
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(410, "This issue was deleted")]
    public async Task Issue_that_does_not_exist_is_got_as_null(int status, string message)
    {
        _github.FailEverything(status, message);

        var issue = await _github.Tracker().GetAsync(GitHubFake.Target, "acme/payments#7", CancellationToken.None);

        Assert.Null(issue);
    }

    [Fact]
    public async Task Pull_request_is_not_got_as_an_issue()
    {
        _github.RespondToGet(7, GitHubFake.PullRequest(7, []));

        var issue = await _github.Tracker().GetAsync(GitHubFake.Target, "acme/payments#7", CancellationToken.None);

        Assert.Null(issue);
    }

    [Theory]
    [InlineData("PAY-7")]
    [InlineData("https://github.com/acme/payments/issues/7")]
    [InlineData("{server}/acme/payments/pull/7")]
    public async Task Key_that_names_no_issue_of_this_GitHub_is_refused_without_a_call(string key)
    {
        await Assert.ThrowsAsync<TrackerRejectedException>(
            () => _github.Tracker().GetAsync(GitHubFake.Target, key.Replace("{server}", _github.Server.Urls[0], StringComparison.Ordinal), CancellationToken.None));

        Assert.Empty(_github.Server.LogEntries);
    }

    public void Dispose() => _github.Dispose();
}
