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

        var found = (await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal(new("9", "https://ghe.example.com/acme/payments/issues/9", "done"), found);
    }

    [Fact]
    public async Task Open_issue_found_by_marker_is_open()
    {
        _github.RespondToMarkerSearch(TestIssues.Marker, GitHubFake.Issue(11, labels: [TestIssues.Marker]));

        var found = (await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal("open", found?.Status);
    }

    [Fact]
    public async Task Issue_with_the_hidden_marker_wins_over_a_label_copied_by_hand()
    {
        _github.RespondToMarkerSearch(
            TestIssues.Marker,
            GitHubFake.Issue(3, body: "someone copied the label", labels: [TestIssues.Marker]),
            GitHubFake.Issue(8, body: $"x\n<!-- incidentbridge:marker={TestIssues.Marker} -->", labels: [TestIssues.Marker]));

        var found = (await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal("8", found?.Key);
    }

    [Fact]
    public async Task Marker_lookup_without_a_match_finds_nothing()
    {
        _github.RespondToMarkerSearch(TestIssues.Marker, GitHubFake.PullRequest(5, [TestIssues.Marker]));

        var found = (await _github.Tracker().FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Null(found);
    }

    public void Dispose() => _github.Dispose();
}
