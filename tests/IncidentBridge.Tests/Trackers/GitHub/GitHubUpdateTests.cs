using IncidentBridge.Trackers.GitHub;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubUpdateTests : IDisposable
{
    private static readonly TrackerIssue Existing = new("acme/payments#40", "https://ghe.example.com/acme/payments/issues/40", "open");

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
    public async Task Update_of_a_done_item_leaves_the_state_to_the_status_step()
    {
        var wanted = TestIssues.ActionItem(done: true);
        _github.RespondToGet(40, GitHubFake.Issue(40, body: GitHubIssueText.Body(wanted), labels: [.. wanted.Labels], assignees: ["alice"]));

        var updated = await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, wanted, CancellationToken.None);

        Assert.Equal(0, _github.Count("PATCH", $"{GitHubFake.IssuesPath}/40"));
        Assert.Equal(Existing, updated);
    }

    [Fact]
    public async Task Update_puts_the_marker_label_on_an_adopted_issue()
    {
        var wanted = TestIssues.ActionItem() with { Labels = ["incident", "action-item", "P1"] };
        _github.RespondToGet(40, GitHubFake.Issue(40, body: GitHubIssueText.Body(wanted), labels: ["incident", "action-item", "P1", "team-payments"], assignees: ["alice"]));
        _github.RespondToUpdate(40, GitHubFake.Issue(40));

        await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, wanted, CancellationToken.None);

        var patch = Assert.Single(_github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/40"));
        Assert.Equal(
            ["P1", "action-item", "incident", TestIssues.Marker, "team-payments"],
            patch.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Undefined, Property(patch, "state"));
    }

    [Fact]
    public async Task Update_of_an_issue_in_another_repository_is_sent_there()
    {
        _github.RespondToGet("acme/ledger", 5, GitHubFake.Issue(5, repository: "acme/ledger"));
        _github.RespondToUpdate("acme/ledger", 5, GitHubFake.Issue(5, repository: "acme/ledger"));

        var updated = await _github.Tracker().UpdateAsync(GitHubFake.Target, "acme/ledger#5", TestIssues.ActionItem(), CancellationToken.None);

        Assert.Single(_github.Bodies("PATCH", "/api/v3/repos/acme/ledger/issues/5"));
        Assert.Equal("acme/ledger#5", updated.Key);
    }

    [Fact]
    public async Task Owner_github_refuses_to_assign_on_update_is_named_in_the_body_with_a_note()
    {
        _github.RespondToGet(40, GitHubFake.Issue(40, body: "old", labels: [.. TestIssues.ActionItem().Labels], assignees: ["bob"]));
        _github.RefuseAssignees(40);
        _github.RespondToUpdate(40, GitHubFake.Issue(40, assignees: ["bob"]));

        var updated = await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, TestIssues.ActionItem(), CancellationToken.None);

        var patches = _github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/40");
        Assert.Equal(2, patches.Count);
        Assert.Equal(JsonValueKind.Undefined, Property(patches[1], "assignees"));
        Assert.Contains("- **Owner:** Alice Example (could not be assigned on GitHub as @alice)", patches[1].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("could not be assigned on GitHub", updated.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_already_naming_the_unassignable_owner_is_not_patched_again()
    {
        var wanted = TestIssues.ActionItem();
        _github.RespondToGet(40, GitHubFake.Issue(40, body: GitHubIssueText.Body(wanted, assigneeRefused: true), labels: [.. wanted.Labels]));
        _github.RefuseAssignees(40);

        var updated = await _github.Tracker().UpdateAsync(GitHubFake.Target, Existing.Key, wanted, CancellationToken.None);

        // One try to assign (the login may have been given access since), then nothing more to change.
        Assert.Equal(1, _github.Count("PATCH", $"{GitHubFake.IssuesPath}/40"));
        Assert.NotNull(updated.Note);
    }

    public void Dispose() => _github.Dispose();

    private static JsonValueKind Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind : JsonValueKind.Undefined;
}
