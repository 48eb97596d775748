using IncidentBridge.FollowUp.Scheduling;

namespace IncidentBridge.Tests.FollowUp.Scheduling;

/// <summary>
/// <c>POST /api/jobs/{name}/run</c> on two replicas sharing one PostgreSQL database: a job runs once cluster-wide
/// at a time, and the replica that finds it running elsewhere answers 409 instead of running it a second time. A run
/// whose lock goes with its database session stops, so that the job runs on one replica at a time even then.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaJobRunTests(PostgresServer postgres)
{
    [Fact]
    public async Task Job_run_on_both_replicas_at_once_runs_once()
    {
        var settings = postgres.Settings(Jobs.QuietCrons());
        var onFirst = new FakeFollowUpJob(Jobs.StatusSync) { Duration = TimeSpan.FromSeconds(2) };
        var onSecond = new FakeFollowUpJob(Jobs.StatusSync) { Duration = TimeSpan.FromSeconds(2) };
        await using var first = await JobsHost.StartAsync([onFirst], settings);
        await using var second = await JobsHost.StartAsync([onSecond], settings);

        var answers = await Task.WhenAll(
            first.CreateClient().RunJobAsync(Jobs.StatusSync),
            second.CreateClient().RunJobAsync(Jobs.StatusSync));

        Assert.Equal(1, onFirst.Runs + onSecond.Runs);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var refused = Assert.Single(answers, a => a.StatusCode != HttpStatusCode.OK);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:incidentbridge:problem:job-running", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Job_runs_again_on_another_replica_once_the_first_run_has_finished()
    {
        var settings = postgres.Settings(Jobs.QuietCrons());
        var onFirst = new FakeFollowUpJob(Jobs.StatusSync);
        var onSecond = new FakeFollowUpJob(Jobs.StatusSync);
        await using var first = await JobsHost.StartAsync([onFirst], settings);
        await using var second = await JobsHost.StartAsync([onSecond], settings);

        var earlier = await first.CreateClient().RunJobAsync(Jobs.StatusSync);
        var later = await second.CreateClient().RunJobAsync(Jobs.StatusSync);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (earlier.StatusCode, later.StatusCode));
        Assert.Equal((1, 1), (onFirst.Runs, onSecond.Runs));
    }

    [Fact]
    public async Task Run_that_loses_its_database_lock_is_stopped_and_the_job_can_then_run_on_another_replica()
    {
        var settings = postgres.Settings(Jobs.QuietCrons());
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var onFirst = new FakeFollowUpJob(Jobs.StatusSync) { Duration = TimeSpan.FromMinutes(5) };
        var onSecond = new FakeFollowUpJob(Jobs.StatusSync);
        await using var first = await JobsHost.StartAsync([onFirst], settings, time: time);
        await using var second = await JobsHost.StartAsync([onSecond], settings);
        var runner = first.App.Services.GetRequiredService<JobRunner>();
        var run = runner.RunNowAsync(Jobs.StatusSync, new JobRunOptions(Force: false), CancellationToken.None);
        await Eventually.UntilAsync(() => Task.FromResult(onFirst.Runs), runs => runs == 1, "the first replica's run has started");

        await AdvisoryLockHolders.TerminateAsync(settings["IncidentBridge:Storage:ConnectionString"] ?? "", $"job:{Jobs.StatusSync}");
        time.Advance(JobRunner.LockCheckInterval);

        await Assert.ThrowsAsync<JobLockLostException>(() => run.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(JobOutcome.Failed, runner.LastRun(Jobs.StatusSync)?.Outcome);
        var elsewhere = await second.CreateClient().RunJobAsync(Jobs.StatusSync);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(1, onSecond.Runs);
    }
}
