namespace IncidentBridge.Tests.FollowUp.Scheduling;

public sealed class JobsApiTests
{
    [Fact]
    public async Task Run_executes_the_job_once_and_answers_its_result()
    {
        var digest = new FakeFollowUpJob(Jobs.OverdueDigest);
        await using var host = await JobsHost.StartAsync([digest], Jobs.QuietCrons());

        var response = await host.CreateClient().RunJobAsync(Jobs.OverdueDigest, force: "true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.JsonAsync();
        Assert.Equal("overdue-digest", result.GetProperty("job").GetString());
        Assert.Equal("overdue-digest run 1", result.GetProperty("summary").GetString());
        Assert.Equal(1, result.GetProperty("counts").GetProperty("run").GetInt64());
        Assert.Equal(0, result.GetProperty("problems").GetArrayLength());
        Assert.True(result.GetProperty("finishedAt").GetDateTimeOffset() >= result.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(1, digest.Runs);
        Assert.True(digest.LastOptions?.Force);
    }

    [Fact]
    public async Task Run_without_force_is_not_forced()
    {
        var review = new FakeFollowUpJob(Jobs.FollowUpReview);
        await using var host = await JobsHost.StartAsync([review], Jobs.QuietCrons());

        var response = await host.CreateClient().RunJobAsync(Jobs.FollowUpReview);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(review.LastOptions?.Force);
    }

    [Fact]
    public async Task Run_with_a_force_that_is_not_a_boolean_is_400_naming_force()
    {
        var review = new FakeFollowUpJob(Jobs.FollowUpReview);
        await using var host = await JobsHost.StartAsync([review], Jobs.QuietCrons());

        var response = await host.CreateClient().RunJobAsync(Jobs.FollowUpReview, force: "yes-please");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field: "force");
        Assert.Equal(0, review.Runs);
    }

    [Fact]
    public async Task Run_of_an_unknown_job_is_a_404_problem()
    {
        await using var host = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons());

        var response = await host.CreateClient().RunJobAsync("make-coffee");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("make-coffee", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/api/jobs/status-sync/run")]
    [InlineData("GET", "/api/jobs")]
    public async Task Jobs_api_without_a_token_is_401_and_runs_nothing(string method, string path)
    {
        var statusSync = new FakeFollowUpJob(Jobs.StatusSync);
        await using var host = await JobsHost.StartAsync([statusSync], Jobs.QuietCrons());

        var response = await host.CreateClient(authenticated: false).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, statusSync.Runs);
    }

    [Fact]
    public async Task Concurrent_manual_runs_of_one_job_do_not_overlap()
    {
        var statusSync = new FakeFollowUpJob(Jobs.StatusSync) { Duration = TimeSpan.FromMilliseconds(300) };
        await using var host = await JobsHost.StartAsync([statusSync], Jobs.QuietCrons());
        var client = host.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.RunJobAsync(Jobs.StatusSync)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(3, statusSync.Runs);
        Assert.Equal(1, statusSync.MaxConcurrentRuns);
    }

    [Fact]
    public async Task Run_is_stopped_by_the_worker_stopping_and_answers_503()
    {
        var digest = new FakeFollowUpJob(Jobs.OverdueDigest) { Duration = TimeSpan.FromMinutes(5) };
        await using var host = await JobsHost.StartAsync([digest], Jobs.QuietCrons());

        var call = host.CreateClient().RunJobAsync(Jobs.OverdueDigest);
        await Eventually.UntilAsync(() => Task.FromResult(digest.Runs), runs => runs == 1, "the run started");
        var stopping = host.App.StopAsync();
        var response = await call.WaitAsync(TimeSpan.FromSeconds(20));
        await stopping;

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("cancelled", host.App.Services.GetRequiredService<IncidentBridge.FollowUp.Scheduling.JobRunner>().LastRun(Jobs.OverdueDigest)?.Outcome);
    }

    [Fact]
    public async Task A_job_that_throws_answers_a_500_problem_and_is_recorded_as_failed()
    {
        var review = new FakeFollowUpJob(Jobs.FollowUpReview) { FailingRuns = new HashSet<int> { 1 } };
        await using var host = await JobsHost.StartAsync([review], Jobs.QuietCrons());
        var client = host.CreateClient();

        var response = await client.RunJobAsync(Jobs.FollowUpReview);

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("on purpose", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var last = Job(await (await client.GetAsync("/api/jobs")).JsonAsync(), Jobs.FollowUpReview).GetProperty("lastRun");
        Assert.Equal("failed", last.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task List_shows_each_job_with_its_cron_next_fire_time_and_last_result()
    {
        await using var host = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons());
        await host.RunningSchedulerAsync();
        var client = host.CreateClient();
        await client.RunJobAsync(Jobs.StatusSync);

        var list = await (await client.GetAsync("/api/jobs")).JsonAsync();

        Assert.Equal(host.SchedulerName, list.GetProperty("schedulerName").GetString());
        Assert.Equal("Running", list.GetProperty("schedulerStatus").GetString());
        var statusSync = Job(list, Jobs.StatusSync);
        Assert.True(statusSync.GetProperty("available").GetBoolean());
        Assert.Equal("0 15 3 * * ?", statusSync.GetProperty("cron").GetString());
        Assert.Equal("UTC", statusSync.GetProperty("timeZone").GetString());
        var next = statusSync.GetProperty("nextFireTime").GetDateTimeOffset();
        Assert.Equal(new Quartz.CronExpression("0 15 3 * * ?", TimeZoneInfo.Utc).GetNextValidTimeAfter(DateTimeOffset.UtcNow), next);
        Assert.Equal("succeeded", statusSync.GetProperty("lastRun").GetProperty("outcome").GetString());
        Assert.Equal("status-sync run 1", statusSync.GetProperty("lastRun").GetProperty("result").GetProperty("summary").GetString());
        var digest = Job(list, Jobs.OverdueDigest);
        Assert.Equal("Europe/Berlin", digest.GetProperty("timeZone").GetString());
        Assert.Equal(JsonValueKind.Null, digest.GetProperty("lastRun").ValueKind);
    }

    private static JsonElement Job(JsonElement list, string name) =>
        Assert.Single(list.GetProperty("jobs").EnumerateArray(), job => job.GetProperty("name").GetString() == name);
}
