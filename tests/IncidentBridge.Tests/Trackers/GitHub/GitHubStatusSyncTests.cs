using WireMock;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubStatusSyncTests : IDisposable
{
    private const string ETag = "W/\"5b1d\"";

    private static readonly DateTimeOffset Since = new(2025, 3, 1, 12, 0, 0, 750, TimeSpan.Zero);

    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Listing_asks_for_action_items_updated_since_oldest_first_a_hundred_a_page()
    {
        _github.RespondToListing([]);

        await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        var query = Query(Assert.Single(_github.Requests("GET", GitHubFake.IssuesPath)));
        Assert.Equal("action-item", query["labels"]);
        Assert.Equal("all", query["state"]);
        Assert.Equal("updated", query["sort"]);
        Assert.Equal("asc", query["direction"]);
        Assert.Equal("100", query["per_page"]);
        Assert.False(query.ContainsKey("page"), "the first page is asked for without a page number");
    }

    [Fact]
    public async Task Since_is_sent_in_whole_UTC_seconds_overlapping_the_last_window_by_one()
    {
        _github.RespondToListing([]);
        var since = new DateTimeOffset(2025, 3, 1, 14, 0, 0, 750, TimeSpan.FromHours(2));

        await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, since, [], CancellationToken.None);

        Assert.Equal("2025-03-01T11:59:59Z", Query(Assert.Single(_github.Requests("GET", GitHubFake.IssuesPath)))["since"]);
    }

    [Fact]
    public async Task Listing_without_since_asks_for_all_action_items()
    {
        _github.RespondToListing([]);

        await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, null, [], CancellationToken.None);

        Assert.False(Query(Assert.Single(_github.Requests("GET", GitHubFake.IssuesPath))).ContainsKey("since"));
    }

    [Fact]
    public async Task Listing_follows_the_Link_header_across_pages_and_counts_each_request()
    {
        _github.RespondToListing([GitHubFake.Changed(1, "2025-03-01T12:00:01Z")], nextPage: 2);
        _github.RespondToListing([GitHubFake.Changed(2, "2025-03-01T12:00:02Z")], page: 2, nextPage: 3);
        _github.RespondToListing([GitHubFake.Changed(3, "2025-03-01T12:00:03Z")], page: 3);

        var changes = await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        Assert.Equal(["acme/payments#1", "acme/payments#2", "acme/payments#3"], changes.Issues.Select(i => i.Key));
        Assert.Equal(3, changes.Requests);
        Assert.Equal([null, "2", "3"], _github.Requests("GET", GitHubFake.IssuesPath).Select(r => Query(r).GetValueOrDefault("page")));
    }

    [Fact]
    public async Task Listing_carries_the_assignee_and_no_due_date()
    {
        var assigned = GitHubFake.Changed(7, "2025-03-01T12:00:01Z", labels: ["action-item"]);
        assigned["assignee"] = new System.Text.Json.Nodes.JsonObject { ["login"] = "carol-gh" };
        assigned["assignees"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["login"] = "carol-gh" });
        _github.RespondToListing([assigned, GitHubFake.Changed(8, "2025-03-01T12:00:02Z", labels: ["action-item"])]);

        var changes = await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        Assert.Equal([("acme/payments#7", "carol-gh"), ("acme/payments#8", null)], changes.Issues.Select(i => (i.Key, i.Assignee)));
        Assert.All(changes.Issues, i => Assert.False(i.HasDueDate));
    }

    [Fact]
    public async Task Listing_skips_pull_requests()
    {
        _github.RespondToListing([GitHubFake.PullRequest(5, ["action-item"]), GitHubFake.Changed(6, "2025-03-01T12:00:01Z", labels: ["action-item"])]);

        var changes = await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        Assert.Equal("acme/payments#6", Assert.Single(changes.Issues).Key);
    }

    [Theory]
    [InlineData("open", null, new string[0], "open")]
    [InlineData("open", null, new[] { "action-item", "in-progress" }, "in-progress")]
    [InlineData("open", null, new[] { "In Progress" }, "in-progress")]
    [InlineData("closed", "completed", new string[0], "done")]
    [InlineData("closed", null, new string[0], "done")]
    [InlineData("closed", "not_planned", new string[0], "not-doing")]
    [InlineData("closed", "not_planned", new[] { "in-progress" }, "not-doing")]
    [InlineData("closed", "completed", new[] { "in-progress" }, "done")]
    public async Task Issue_state_and_in_progress_label_give_the_item_status(string state, string? reason, string[] labels, string status)
    {
        _github.RespondToListing([GitHubFake.Changed(7, "2025-03-01T12:00:01Z", state, reason, labels)]);

        var changes = await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        Assert.Equal(status, Assert.Single(changes.Issues).Status);
    }

    [Fact]
    public async Task Each_change_carries_key_link_marker_label_and_update_time()
    {
        _github.RespondToListing([
            GitHubFake.Changed(8, "2025-03-01T12:30:05Z", labels: ["incident", "action-item", TestIssues.Marker]),
            GitHubFake.Changed(9, "2025-03-01T12:30:06Z", labels: ["action-item"]),
        ]);

        var changes = await _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        Assert.Equal(
            [
                new TrackerIssueChange("acme/payments#8", "https://ghe.example.com/acme/payments/issues/8", "open", TestIssues.Marker, new DateTimeOffset(2025, 3, 1, 12, 30, 5, TimeSpan.Zero)),
                new TrackerIssueChange("acme/payments#9", "https://ghe.example.com/acme/payments/issues/9", "open", null, new DateTimeOffset(2025, 3, 1, 12, 30, 6, TimeSpan.Zero)),
            ],
            changes.Issues);
    }

    [Fact]
    public async Task Unchanged_listing_sends_the_previous_ETag_and_a_304_repeats_the_last_answer()
    {
        _github.RespondToListing([GitHubFake.Changed(10, "2025-03-01T12:00:01Z", labels: [TestIssues.Marker])], etag: ETag);
        _github.RespondNotModified(ETag);
        var tracker = _github.Tracker();
        var first = await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        var second = await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        var requests = _github.Requests("GET", GitHubFake.IssuesPath);
        Assert.Equal(2, requests.Count);
        Assert.False(requests[0].Headers?.ContainsKey("If-None-Match"), "nothing is known before the first listing");
        Assert.Equal(ETag, requests[1].Headers?["If-None-Match"].ToString());
        Assert.Equal(304, _github.Server.LogEntries.Select(e => e.ResponseMessage?.StatusCode).OfType<int>().Last());
        Assert.Equal(1, second.Requests);
        Assert.Equal(first.Issues, second.Issues);
    }

    [Fact]
    public async Task ETag_belongs_to_its_since_and_is_not_sent_with_another()
    {
        _github.RespondToListing([], etag: ETag);
        var tracker = _github.Tracker();
        await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        await tracker.GetChangedSinceAsync(GitHubFake.Target, Since.AddMinutes(5), [], CancellationToken.None);

        Assert.False(_github.Requests("GET", GitHubFake.IssuesPath)[1].Headers?.ContainsKey("If-None-Match"));
    }

    [Fact]
    public async Task Listing_of_several_pages_is_asked_for_again_in_full()
    {
        // With oldest first, a change on a later page can leave the first page (and its ETag) as it was.
        _github.RespondToListing([GitHubFake.Changed(1, "2025-03-01T12:00:01Z")], nextPage: 2, etag: ETag);
        _github.RespondToListing([GitHubFake.Changed(2, "2025-03-01T12:00:02Z")], page: 2);
        var tracker = _github.Tracker();
        await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        var second = await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        Assert.DoesNotContain(_github.Requests("GET", GitHubFake.IssuesPath), r => r.Headers?.ContainsKey("If-None-Match") == true);
        Assert.Equal(2, second.Requests);
    }

    [Fact]
    public async Task Other_reads_send_no_ETag()
    {
        _github.RespondToListing([], etag: ETag);
        _github.RespondToMarkerSearch(TestIssues.Marker);
        var tracker = _github.Tracker();
        await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None);

        (await tracker.FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();
        (await tracker.FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.DoesNotContain(_github.Requests("GET", GitHubFake.IssuesPath), r => r.Headers?.ContainsKey("If-None-Match") == true);
    }

    [Fact]
    public async Task Listing_is_not_held_back_by_the_write_pace()
    {
        _github.RespondToCreate(GitHubFake.Issue(30));
        _github.RespondToListing([]);
        var tracker = _github.Tracker(new FakeTimeProvider(), createsPerMinute: 1);
        await tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

        var changes = await tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, changes.Requests);
    }

    [Fact]
    public async Task Secondary_rate_limit_on_the_listing_is_unavailable_with_Retry_After()
    {
        _github.FailEverything(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", ("Retry-After", "45"));
        var tracker = _github.Tracker();

        var error = await Assert.ThrowsAsync<TrackerUnavailableException>(() => tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None));
        await Assert.ThrowsAsync<TrackerUnavailableException>(() => tracker.GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(45), error.RetryAfter);
        Assert.Single(_github.Server.LogEntries);
    }

    [Fact]
    public async Task Missing_repository_on_the_listing_is_rejected()
    {
        _github.FailEverything(404, "Not Found");

        await Assert.ThrowsAsync<TrackerRejectedException>(() => _github.Tracker().GetChangedSinceAsync(GitHubFake.Target, Since, [], CancellationToken.None));
    }

    public void Dispose() => _github.Dispose();

    private static Dictionary<string, string> Query(IRequestMessage request) =>
        (request.Query ?? Enumerable.Empty<KeyValuePair<string, WireMock.Types.WireMockList<string>>>()).ToDictionary(q => q.Key, q => q.Value.ToString() ?? "");
}
