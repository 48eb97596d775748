using IncidentBridge.Trackers.GitHub;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubErrorTests : IDisposable
{
    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Secondary_rate_limit_waits_as_long_as_Retry_After_says() =>
        Assert.Equal(
            TimeSpan.FromSeconds(30),
            await RetryAfterAsync(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", ("Retry-After", "30")));

    [Fact]
    public async Task Secondary_rate_limit_without_Retry_After_waits_a_minute() =>
        Assert.Equal(TimeSpan.FromMinutes(1), await RetryAfterAsync(403, "You have exceeded a secondary rate limit."));

    [Fact]
    public async Task Plain_429_is_a_wait_not_a_crash() =>
        Assert.Equal(TimeSpan.FromSeconds(12), await RetryAfterAsync(429, "You have exceeded a secondary rate limit.", ("Retry-After", "12")));

    [Fact]
    public async Task Exhausted_primary_rate_limit_waits_until_the_reset()
    {
        var reset = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var retryAfter = await RetryAfterAsync(403, "API rate limit exceeded for user ID 1.", ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset));

        Assert.InRange(retryAfter ?? TimeSpan.Zero, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task After_a_rate_limit_no_call_reaches_GitHub_until_the_wait_is_over()
    {
        _github.FailEverything(429, "slow down", ("Retry-After", "30"));
        var tracker = _github.Tracker();
        await Assert.ThrowsAsync<TrackerUnavailableException>(() => tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None));

        var error = await Assert.ThrowsAsync<TrackerUnavailableException>(() => tracker.FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None));

        Assert.Single(_github.Server.LogEntries);
        Assert.InRange(error.RetryAfter ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Server_error_is_unavailable()
    {
        _github.FailEverything(500, "Server Error");

        await Assert.ThrowsAsync<TrackerUnavailableException>(() => CreateAsync());
    }

    [Fact]
    public async Task Unreachable_GitHub_is_unavailable()
    {
        _github.Server.Stop();

        await Assert.ThrowsAsync<TrackerUnavailableException>(() => CreateAsync());
    }

    [Fact]
    public async Task Answer_slower_than_the_timeout_is_unavailable()
    {
        _github.RespondToCreate(GitHubFake.Issue(50), delay: TimeSpan.FromSeconds(2));
        var tracker = _github.Tracker(timeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TrackerUnavailableException>(() => tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_an_outage()
    {
        _github.RespondToCreate(GitHubFake.Issue(51), delay: TimeSpan.FromSeconds(2));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), cancel.Token));

        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Validation_failure_is_rejected_with_GitHubs_message()
    {
        _github.FailEverything(422, new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(new JsonObject { ["resource"] = "Issue", ["field"] = "milestone", ["code"] = "invalid", ["value"] = "9" }),
        });

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(() => CreateAsync());

        Assert.Contains("422 Validation Failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("Issue milestone invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_repository_is_rejected() =>
        Assert.Contains("404 Not Found", await RejectionAsync(404, "Not Found"), StringComparison.Ordinal);

    [Fact]
    public async Task Forbidden_without_rate_limit_is_rejected() =>
        Assert.Contains("Resource not accessible", await RejectionAsync(403, "Resource not accessible by personal access token"), StringComparison.Ordinal);

    [Fact]
    public async Task Bad_token_is_rejected_naming_the_key()
    {
        var rejection = await RejectionAsync(401, "Bad credentials");

        Assert.Contains("IncidentBridge:Trackers:GitHub:Token", rejection, StringComparison.Ordinal);
        Assert.DoesNotContain(GitHubFake.Token, rejection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_every_call_is_refused_naming_the_key()
    {
        // Refused, as for Jira: the dispatcher keeps the item and tries it again at each start and after RejectedRetryDelay.
        var tracker = new GitHubTracker(Options.Create(new GitHubOptions()), TimeProvider.System, NullLogger<GitHubTracker>.Instance);
        var comment = new TrackerComment(TestIssues.Marker, "overdue", "Overdue.");
        Func<Task>[] calls =
        [
            () => tracker.FindByMarkerAsync(GitHubFake.Target, TestIssues.Marker, CancellationToken.None),
            () => tracker.GetAsync(GitHubFake.Target, "acme/payments#7", CancellationToken.None),
            () => tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None),
            () => tracker.UpdateAsync(GitHubFake.Target, "acme/payments#7", TestIssues.ActionItem(), CancellationToken.None),
            () => tracker.SetStatusAsync(GitHubFake.Target, "acme/payments#7", "open", CancellationToken.None),
            () => tracker.SetStatusAsync(GitHubFake.Target, "acme/payments#7", "done", CancellationToken.None),
            () => tracker.GetChangedSinceAsync(GitHubFake.Target, null, [], CancellationToken.None),
            () => tracker.CommentOnceAsync(GitHubFake.Target, "acme/payments#7", comment, CancellationToken.None),
            () => tracker.FlagOverdueAsync(GitHubFake.Target, "acme/payments#7", comment, CancellationToken.None),
            () => tracker.CloseAsDuplicateAsync(GitHubFake.Target, "acme/payments#8", "acme/payments#7", comment, CancellationToken.None),
        ];

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<TrackerRejectedException>(call);
            Assert.Contains("IncidentBridge:Trackers:GitHub:Token", error.Message, StringComparison.Ordinal);
        }

        Assert.False(tracker.IsConfigured);
    }

    [Fact]
    public async Task Repository_not_in_owner_name_form_is_rejected()
    {
        var target = GitHubFake.Target with { Repository = "payments" };

        await Assert.ThrowsAsync<TrackerRejectedException>(() => _github.Tracker().CreateAsync(target, TestIssues.ActionItem(), CancellationToken.None));

        Assert.Empty(_github.Server.LogEntries);
    }

    public void Dispose() => _github.Dispose();

    private Task<TrackerIssue> CreateAsync() =>
        _github.Tracker().CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

    /// <summary>How long a create that GitHub answers so is told to wait; it must be a wait, not a rejection.</summary>
    private async Task<TimeSpan?> RetryAfterAsync(int status, string message, params (string Name, string Value)[] headers)
    {
        _github.FailEverything(status, message, headers);
        return (await Assert.ThrowsAsync<TrackerUnavailableException>(() => CreateAsync())).RetryAfter;
    }

    /// <summary>The message of the rejection of a create that GitHub answers so.</summary>
    private async Task<string> RejectionAsync(int status, string message)
    {
        _github.FailEverything(status, message);
        return (await Assert.ThrowsAsync<TrackerRejectedException>(() => CreateAsync())).Message;
    }
}
