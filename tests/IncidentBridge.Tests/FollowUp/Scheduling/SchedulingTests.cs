using Dapper;
using IncidentBridge.FollowUp.Scheduling;
using Microsoft.Data.Sqlite;
using Quartz;

namespace IncidentBridge.Tests.FollowUp.Scheduling;

public sealed class SchedulingTests
{
    [Fact]
    public async Task Crons_from_configuration_become_triggers_that_fire_when_the_cron_says()
    {
        await using var host = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons());
        var scheduler = await host.RunningSchedulerAsync();

        var statusSync = await CronTriggerAsync(scheduler, FollowUpJobKeys.StatusSync);
        var review = await CronTriggerAsync(scheduler, FollowUpJobKeys.FollowUpReview);
        var digest = await CronTriggerAsync(scheduler, FollowUpJobKeys.OverdueDigest);

        Assert.Equal(("0 15 3 * * ?", "UTC"), (statusSync.CronExpressionString, statusSync.TimeZone.Id));
        Assert.Equal(("0 0 8 * * ?", "UTC"), (review.CronExpressionString, review.TimeZone.Id));
        Assert.Equal(("0 30 6 ? * TUE", "Europe/Berlin"), (digest.CronExpressionString, digest.TimeZone.Id));
        AssertNextFireMatchesCron(statusSync);
        AssertNextFireMatchesCron(review);
        AssertNextFireMatchesCron(digest);
        var digestLocal = TimeZoneInfo.ConvertTime(digest.NextFireTimeUtc ?? default, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((DayOfWeek.Tuesday, new TimeSpan(6, 30, 0)), (digestLocal.DayOfWeek, digestLocal.TimeOfDay));
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, digest.MisfireInstruction);
        var catchUp = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(FollowUpJobKeys.OverdueDigestCatchUp));
        Assert.Equal(FollowUpJobKeys.OverdueDigest, catchUp.JobKey);
        Assert.Equal(("0 45 5 * * ?", "Europe/Berlin"), (catchUp.CronExpressionString, catchUp.TimeZone.Id));
        AssertNextFireMatchesCron(catchUp);
        Assert.Equal(CronTriggerMisfireInstruction.DoNothing, catchUp.MisfireInstruction);
    }

    [Fact]
    public async Task Catch_up_cron_runs_the_digest_as_a_catch_up_and_its_own_cron_does_not()
    {
        var digest = new FakeFollowUpJob(Jobs.OverdueDigest);
        await using var host = await JobsHost.StartAsync([digest], Jobs.QuietCrons().With("IncidentBridge:Jobs:OverdueDigest:CatchUpCron", "* * * * * ?"));
        await host.RunningSchedulerAsync();

        await Eventually.UntilAsync(() => Task.FromResult(digest.Runs), runs => runs >= 1, "the catch-up fired");
        await host.CreateClient().RunJobAsync(Jobs.OverdueDigest);

        var runs = digest.Options;
        Assert.Single(runs, o => !o.CatchUp);
        Assert.Contains(runs, o => o.CatchUp);
        Assert.All(runs, o => Assert.False(o.Force));
    }

    [Fact]
    public async Task Schedules_are_stored_in_the_QRTZ_tables_of_the_worker_database_and_outlive_the_host()
    {
        using var directory = TempDirectory.Create("jobs");
        var schedulerName = JobsHost.NewSchedulerName();
        await JobsHost.RunOnceAsync(directory.Path, schedulerName);

        var stored = await StoredCronsAsync(directory.Path, schedulerName);

        Assert.Equal(
            [
                ("follow-up-review-cron", "0 0 8 * * ?", "UTC"),
                ("overdue-digest-catch-up", "0 45 5 * * ?", "Europe/Berlin"),
                ("overdue-digest-cron", "0 30 6 ? * TUE", "Europe/Berlin"),
                ("status-sync-cron", "0 15 3 * * ?", "UTC"),
            ],
            stored);
    }

    [Fact]
    public async Task A_changed_cron_replaces_the_stored_schedule_after_a_restart()
    {
        using var directory = TempDirectory.Create("jobs");
        var schedulerName = JobsHost.NewSchedulerName();
        await JobsHost.RunOnceAsync(directory.Path, schedulerName);

        var changed = Jobs.QuietCrons().With("IncidentBridge:Jobs:OverdueDigest:Cron", "0 0 7 ? * FRI").With("IncidentBridge:Jobs:OverdueDigest:TimeZone", "America/New_York");
        await using (var second = await JobsHost.StartAsync(Jobs.Fakes(), changed, directory.Path, schedulerName))
        {
            var digest = await CronTriggerAsync(await second.RunningSchedulerAsync(), FollowUpJobKeys.OverdueDigest);

            Assert.Equal(("0 0 7 ? * FRI", "America/New_York"), (digest.CronExpressionString, digest.TimeZone.Id));
            AssertNextFireMatchesCron(digest);
        }

        var stored = await StoredCronsAsync(directory.Path, schedulerName);
        Assert.Equal(("overdue-digest-cron", "0 0 7 ? * FRI", "America/New_York"), Assert.Single(stored, s => s.Trigger == "overdue-digest-cron"));
        Assert.Equal(("overdue-digest-catch-up", "0 45 5 * * ?", "America/New_York"), Assert.Single(stored, s => s.Trigger == "overdue-digest-catch-up"));
        Assert.Equal(4, stored.Count);
    }

    [Fact]
    public async Task A_job_that_throws_is_caught_and_the_scheduler_keeps_firing_it()
    {
        var statusSync = new FakeFollowUpJob(Jobs.StatusSync) { FailingRuns = new HashSet<int> { 1 } };
        var settings = Jobs.QuietCrons().With("IncidentBridge:Jobs:StatusSync:Cron", "* * * * * ?");
        await using var host = await JobsHost.StartAsync([statusSync], settings);
        var scheduler = await host.RunningSchedulerAsync();

        await Eventually.UntilAsync(() => Task.FromResult(statusSync.Runs), runs => runs >= 2, "status-sync fired again after its failed run");

        Assert.Equal(SchedulerStatus.Running, scheduler.Status);
        Assert.Equal(TriggerState.Normal, await scheduler.GetTriggerState(FollowUpJobKeys.TriggerFor(FollowUpJobKeys.StatusSync)));
        var metrics = await host.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("incidentbridge_job_runs_total{job=\"status-sync\",outcome=\"failed\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_job_runs_total{job=\"status-sync\",outcome=\"succeeded\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scheduled_runs_are_not_forced()
    {
        var statusSync = new FakeFollowUpJob(Jobs.StatusSync);
        await using var host = await JobsHost.StartAsync([statusSync], Jobs.QuietCrons().With("IncidentBridge:Jobs:StatusSync:Cron", "* * * * * ?"));

        await Eventually.UntilAsync(() => Task.FromResult(statusSync.Runs), runs => runs >= 1, "status-sync fired");

        Assert.False(statusSync.LastOptions?.Force);
    }

    [Fact]
    public async Task Two_workers_in_one_process_may_share_a_scheduler_name()
    {
        // Quartz 4 keeps its scheduler repository per container: the whole-worker tests all run the default name.
        var schedulerName = JobsHost.NewSchedulerName();
        await using var first = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons(), schedulerName: schedulerName);
        await using var second = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons(), schedulerName: schedulerName);

        var schedulers = await Task.WhenAll(first.RunningSchedulerAsync(), second.RunningSchedulerAsync());

        Assert.NotSame(schedulers[0], schedulers[1]);
        Assert.All(schedulers, scheduler => Assert.Equal(schedulerName, scheduler.SchedulerName));
    }

    private static async Task<ICronTrigger> CronTriggerAsync(IScheduler scheduler, JobKey job)
    {
        var trigger = await scheduler.GetTrigger(FollowUpJobKeys.TriggerFor(job));
        var cron = Assert.IsAssignableFrom<ICronTrigger>(trigger);
        Assert.Equal(job, cron.JobKey);
        return cron;
    }

    private static void AssertNextFireMatchesCron(ICronTrigger trigger)
    {
        var next = trigger.NextFireTimeUtc ?? throw new Xunit.Sdk.XunitException($"{trigger.Key} has no next fire time");
        var cron = new CronExpression(trigger.CronExpressionString ?? "", trigger.TimeZone);
        Assert.True(next > DateTimeOffset.UtcNow, $"{trigger.Key} next fires at {next}, in the past");
        Assert.Equal(cron.GetNextValidTimeAfter(DateTimeOffset.UtcNow), next);
    }

    private static async Task<List<(string Trigger, string Cron, string TimeZone)>> StoredCronsAsync(string directory, string schedulerName)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "incidentbridge.db")};Mode=ReadOnly;Pooling=False");
        var rows = await connection.QueryAsync<(string, string, string)>(
            "SELECT TRIGGER_NAME, CRON_EXPRESSION, TIME_ZONE_ID FROM QRTZ_CRON_TRIGGERS WHERE SCHED_NAME = @schedulerName AND TRIGGER_GROUP = 'follow-up' ORDER BY TRIGGER_NAME",
            new { schedulerName });
        return rows.ToList();
    }
}
