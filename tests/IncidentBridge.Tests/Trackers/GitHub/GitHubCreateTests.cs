using System.Text.Json;
using IncidentBridge.Trackers.GitHub;
using Microsoft.Extensions.Logging;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubCreateTests : IDisposable
{
    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Create_sends_title_markdown_body_labels_and_assignee()
    {
        _github.RespondToCreate(GitHubFake.Issue(17, labels: ["incident", "action-item", "P1", TestIssues.Marker], assignees: ["alice"]));

        var created = await _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

        var sent = Assert.Single(_github.Bodies("POST", GitHubFake.IssuesPath));
        Assert.Equal("Add a disk-usage alert", sent.GetProperty("title").GetString());
        var body = sent.GetProperty("body").GetString() ?? "";
        Assert.StartsWith(TestIssues.Description + "\n\n", body, StringComparison.Ordinal);
        Assert.Contains("[Checkout latency](<https://incidentbridge.example/api/incidents/inc-42>)", body, StringComparison.Ordinal);
        Assert.Contains("[Postmortem: checkout latency](<https://incidentbridge.example/api/postmortems/pm-7>)", body, StringComparison.Ordinal);
        Assert.Contains("- **Action type:** detect", body, StringComparison.Ordinal);
        Assert.Contains("- **Owner:** Alice Example (@alice)", body, StringComparison.Ordinal);
        Assert.Contains("- **Due date:** 2025-03-01", body, StringComparison.Ordinal);
        Assert.EndsWith($"<!-- incidentbridge:marker={TestIssues.Marker} -->\n", body, StringComparison.Ordinal);
        Assert.Equal(["incident", "action-item", "P1", TestIssues.Marker], Strings(sent.GetProperty("labels")));
        Assert.Equal(["alice"], Strings(sent.GetProperty("assignees")));
        Assert.Equal(new("17", "https://ghe.example.com/acme/payments/issues/17", "open"), created);
    }

    [Fact]
    public async Task Create_authenticates_with_the_token_as_bearer()
    {
        _github.RespondToCreate(GitHubFake.Issue(17));

        await _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

        var request = Assert.Single(_github.Requests("POST", GitHubFake.IssuesPath));
        Assert.Equal($"Bearer {GitHubFake.Token}", request.Headers?["Authorization"].ToString());
    }

    [Fact]
    public async Task Owner_without_GitHub_login_is_named_in_the_body_and_not_assigned()
    {
        _github.RespondToCreate(GitHubFake.Issue(18));

        await _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(login: null), CancellationToken.None);

        var sent = Assert.Single(_github.Bodies("POST", GitHubFake.IssuesPath));
        Assert.Contains("- **Owner:** Alice Example (no GitHub login known", sent.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Empty(Strings(sent.GetProperty("assignees")));
    }

    [Fact]
    public async Task Done_item_is_closed_as_completed()
    {
        _github.RespondToCreate(GitHubFake.Issue(19));
        _github.RespondToUpdate(19, GitHubFake.Issue(19, state: "closed"));

        var created = await _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(done: true), CancellationToken.None);

        var patch = Assert.Single(_github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/19"));
        Assert.Equal("closed", patch.GetProperty("state").GetString());
        Assert.Equal("completed", patch.GetProperty("state_reason").GetString());
        Assert.False(patch.TryGetProperty("labels", out _), "closing must not touch the labels");
        Assert.Equal("done", created.Status);
    }

    [Fact]
    public async Task Title_longer_than_GitHub_allows_is_shortened()
    {
        _github.RespondToCreate(GitHubFake.Issue(20));
        var item = TestIssues.ActionItem() with { Title = new string('x', 300) };

        await _github.Tracker().CreateAsync(GitHubFake.Target, item, CancellationToken.None);

        var title = Assert.Single(_github.Bodies("POST", GitHubFake.IssuesPath)).GetProperty("title").GetString() ?? "";
        Assert.Equal(GitHubIssueText.MaxTitleLength, title.Length);
        Assert.EndsWith("…", title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_and_assignee_dropped_for_lack_of_push_access_are_logged_not_failed()
    {
        // GitHub answers 201 but keeps neither labels nor assignees when the token lacks push access.
        _github.RespondToCreate(GitHubFake.Issue(21));
        var logger = new ListLogger<GitHubTracker>();

        var created = await _github.Tracker(logger: logger).CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

        Assert.Equal("21", created.Key);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("dropped labels", StringComparison.Ordinal) && e.Message.Contains("action-item", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("dropped assignees alice", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(TestIssues.Marker, StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(GitHubFake.Token, StringComparison.Ordinal));
    }

    public void Dispose() => _github.Dispose();

    private static string[] Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")] : [];
}
