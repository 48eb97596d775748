using IncidentBridge.Trackers.GitHub;

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
        Assert.Equal(new("acme/payments#17", "https://ghe.example.com/acme/payments/issues/17", "open"), created);
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
    public async Task Create_only_creates_even_for_a_done_item()
    {
        // The dispatcher records the key first; closing is the status step that follows.
        _github.RespondToCreate(GitHubFake.Issue(19));

        var created = await _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(done: true), CancellationToken.None);

        Assert.Single(_github.Server.LogEntries);
        Assert.Equal("open", created.Status);
    }

    [Fact]
    public async Task Owner_github_refuses_to_assign_is_left_unassigned_with_a_note()
    {
        _github.RefuseAssignees();
        _github.RespondToCreate(GitHubFake.Issue(22));

        var created = await _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

        var sent = _github.Bodies("POST", GitHubFake.IssuesPath);
        Assert.Equal(2, sent.Count);
        Assert.Equal(["alice"], Strings(sent[0].GetProperty("assignees")));
        Assert.Empty(Strings(sent[1].GetProperty("assignees")));
        Assert.Contains("- **Owner:** Alice Example (could not be assigned on GitHub as @alice)", sent[1].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(Strings(sent[0].GetProperty("labels")), Strings(sent[1].GetProperty("labels")));
        Assert.Equal("acme/payments#22", created.Key);
        Assert.Contains("Alice Example could not be assigned on GitHub as @alice", created.Note, StringComparison.Ordinal);
        Assert.Contains("Issue assignees invalid", created.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_refused_for_another_reason_is_not_sent_again()
    {
        _github.FailEverything(422, new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(new JsonObject { ["resource"] = "Label", ["field"] = "name", ["code"] = "invalid" }),
        });

        await Assert.ThrowsAsync<TrackerRejectedException>(() => _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None));

        Assert.Equal(1, _github.Count("POST", GitHubFake.IssuesPath));
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

        Assert.Equal("acme/payments#21", created.Key);
        Assert.Null(created.Note);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("dropped labels", StringComparison.Ordinal) && e.Message.Contains("action-item", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("dropped assignees alice", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(TestIssues.Marker, StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(GitHubFake.Token, StringComparison.Ordinal));
    }

    public void Dispose() => _github.Dispose();

    private static string[] Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")] : [];
}
