using IncidentBridge.FollowUp.Scheduling;

namespace IncidentBridge.Tests.FollowUp.Scheduling;

public sealed class MisfireTests
{
    [Fact]
    public async Task Fires_missed_while_the_worker_was_down_run_once_on_start_not_once_each()
    {
        using var directory = TempDirectory.Create("jobs");
        var schedulerName = JobsHost.NewSchedulerName();
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 7, 8, 0, 0, TimeSpan.Zero)); // a Monday, before 09:00
        var settings = Jobs.QuietCrons().With("IncidentBridge:Jobs:OverdueDigest:Cron", "0 0 9 ? * MON").With("IncidentBridge:Jobs:OverdueDigest:TimeZone", "UTC");
        await JobsHost.RunOnceAsync(directory.Path, schedulerName, settings, time);

        // Down over two Monday digests (7 and 14 January), back on Tuesday the 15th.
        time.Advance(TimeSpan.FromDays(8));
        var digest = new FakeFollowUpJob(Jobs.OverdueDigest);
        await using var second = await JobsHost.StartAsync([digest], settings, directory.Path, schedulerName, time);
        var scheduler = await second.RunningSchedulerAsync();

        await Eventually.UntilAsync(() => Task.FromResult(digest.Runs), runs => runs >= 1, "the missed digest ran");
        await Eventually.UntilAsync(
            async () => (await scheduler.GetTrigger(FollowUpJobKeys.TriggerFor(FollowUpJobKeys.OverdueDigest)))?.NextFireTimeUtc,
            next => next == new DateTimeOffset(2030, 1, 21, 9, 0, 0, TimeSpan.Zero),
            "the digest is next due on the following Monday");

        Assert.Equal(1, digest.Runs);
    }
}
