namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubPacingTests : IDisposable
{
    private readonly GitHubFake _github = new();

    [Fact]
    public async Task Second_create_waits_for_the_pace_before_reaching_GitHub()
    {
        _github.RespondToCreate(GitHubFake.Issue(30));
        var time = new FakeTimeProvider();
        var tracker = _github.Tracker(time, createsPerMinute: 60);
        await tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);

        var second = tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(marker: "incidentbridge-0000beef"), CancellationToken.None);
        await StaysTrueAsync(() => _github.Count("POST", GitHubFake.IssuesPath) == 1, TimeSpan.FromMilliseconds(500), "the second create waits while the clock stands still");
        time.Advance(TimeSpan.FromSeconds(1));

        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _github.Count("POST", GitHubFake.IssuesPath));
    }

    [Fact]
    public async Task Waiting_for_the_pace_ends_when_the_caller_cancels()
    {
        _github.RespondToCreate(GitHubFake.Issue(31));
        var tracker = _github.Tracker(new FakeTimeProvider(), createsPerMinute: 1);
        await tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(), CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var second = tracker.CreateAsync(GitHubFake.Target, TestIssues.ActionItem(marker: "incidentbridge-0000beef"), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.Equal(1, _github.Count("POST", GitHubFake.IssuesPath));
    }

    public void Dispose() => _github.Dispose();

    /// <summary>Polls for <paramref name="duration"/> and fails as soon as <paramref name="condition"/> stops holding.</summary>
    private static async Task StaysTrueAsync(Func<bool> condition, TimeSpan duration, string because)
    {
        var deadline = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(condition(), because);
            await Task.Delay(25);
        }

        Assert.True(condition(), because);
    }
}
