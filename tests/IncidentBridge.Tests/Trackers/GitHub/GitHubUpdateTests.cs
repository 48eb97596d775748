using System.Text.Json;
using IncidentBridge.Trackers;
using IncidentBridge.Trackers.GitHub;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubUpdateTests : IDisposable
{
    private static readonly TrackerIssue Existing = new("40", "https://ghe.example.com/acme/payments/issues/40", "open");

    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Update_swaps_the_priority_label_keeps_other_labels_and_assigns_the_owner()
    {
        var before = GitHubFake.Issue(40, body: "old", labels: ["incident", "action-item", "P1", TestIssues.Marker, "overdue"], assignees: ["bob"]);
        before["title"] = "Old title";
        _github.RespondToGet(40, before);
        _github.RespondToUpdate(40, GitHubFake.Issue(40));
        var wanted = TestIssues.ActionItem(priority: "P2");

        await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, wanted, CancellationToken.None);

        var patch = Assert.Single(_github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/40"));
        Assert.Equal("Add a disk-usage alert", patch.GetProperty("title").GetString());
        Assert.Contains("- **Priority:** P2", patch.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ["P2", "action-item", "incident", TestIssues.Marker, "overdue"],
            patch.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["alice"], patch.GetProperty("assignees").EnumerateArray().Select(a => a.GetString()));
        Assert.False(patch.TryGetProperty("state", out _), "an open item stays open");
    }

    [Fact]
    public async Task Update_of_an_issue_that_already_matches_sends_nothing()
    {
        var wanted = TestIssues.ActionItem();
        var current = GitHubFake.Issue(40, body: GitHubIssueText.Body(wanted).Replace("\n", "\r\n", StringComparison.Ordinal), labels: [.. wanted.Labels, "overdue"], assignees: ["alice", "carol"]);
        _github.RespondToGet(40, current);

        await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, wanted, CancellationToken.None);

        Assert.Equal(0, _github.Count("PATCH", $"{GitHubFake.IssuesPath}/40"));
    }

    [Fact]
    public async Task Update_closes_an_open_issue_whose_item_is_done()
    {
        // Completes a create whose closing call was lost: the retry found the open issue by its marker.
        var wanted = TestIssues.ActionItem(done: true);
        _github.RespondToGet(40, GitHubFake.Issue(40, body: GitHubIssueText.Body(wanted), labels: [.. wanted.Labels], assignees: ["alice"]));
        _github.RespondToUpdate(40, GitHubFake.Issue(40, state: "closed", labels: [.. wanted.Labels], assignees: ["alice"]));

        await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, wanted, CancellationToken.None);

        var patch = Assert.Single(_github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/40"));
        Assert.Equal("closed", patch.GetProperty("state").GetString());
        Assert.Equal("completed", patch.GetProperty("state_reason").GetString());
        Assert.Equal(JsonValueKind.Undefined, Property(patch, "labels"));
    }

    public void Dispose() => _github.Dispose();

    private static JsonValueKind Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind : JsonValueKind.Undefined;
}
