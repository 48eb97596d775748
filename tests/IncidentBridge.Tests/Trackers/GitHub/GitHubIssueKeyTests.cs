using IncidentBridge.Trackers.GitHub;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubIssueKeyTests
{
    private static readonly TrackerTarget Payments = new("GitHub", null, "acme/payments", null, [], [], new Dictionary<string, JsonElement>());

    [Theory]
    [InlineData("acme/ledger#7", "https://api.github.com/", "acme/ledger#7")]
    [InlineData(" acme/ledger#7 ", "https://api.github.com/", "acme/ledger#7")]
    [InlineData("7", "https://api.github.com/", "acme/payments#7")]
    [InlineData("#7", "https://api.github.com/", "acme/payments#7")]
    [InlineData("https://github.com/acme/ledger/issues/7", "https://api.github.com/", "acme/ledger#7")]
    [InlineData("https://github.com/acme/ledger/issues/7#issuecomment-1", "https://api.github.com/", "acme/ledger#7")]
    [InlineData("https://ghe.example.com/acme/ledger/issues/7/", "https://ghe.example.com/", "acme/ledger#7")]
    [InlineData("https://ghe.example.com/api/v3/repos/acme/ledger/issues/7", "https://ghe.example.com/api/v3/", "acme/ledger#7")]
    [InlineData("https://acme.ghe.com/acme/ledger/issues/7", "https://api.acme.ghe.com/", "acme/ledger#7")]
    public void Key_names_owner_repo_and_number(string key, string apiBase, string parsed) =>
        Assert.Equal(parsed, GitHubIssueKey.Parse(key, Payments, new Uri(apiBase)).ToString());

    [Theory]
    [InlineData("PAY-7")]
    [InlineData("acme/ledger#0")]
    [InlineData("acme/ledger#")]
    [InlineData("#99999999999")]
    [InlineData("https://github.com/acme/ledger/pull/7")]
    [InlineData("https://ghe.example.com/acme/ledger/issues/7")]
    [InlineData("ftp://github.com/acme/ledger/issues/7")]
    public void Key_that_names_no_issue_on_this_GitHub_is_refused(string key) =>
        Assert.Throws<TrackerRejectedException>(() => GitHubIssueKey.Parse(key, Payments, new Uri("https://api.github.com/")));

    [Theory]
    [InlineData("acme/payments#7", "#7")]
    [InlineData("ACME/Payments#7", "#7")]
    [InlineData("acme/ledger#7", "acme/ledger#7")]
    public void Reference_from_the_same_repository_is_the_bare_number(string key, string reference) =>
        Assert.Equal(reference, GitHubIssueKey.Parse(key, Payments, new Uri("https://api.github.com/")).ReferenceFrom(new GitHubRepository("acme", "payments")));
}
