using Microsoft.Extensions.Hosting;
using Quartz;

namespace IncidentBridge.Tests.FollowUp.Scheduling;

public sealed class JobsConfigurationTests
{
    [Theory]
    [InlineData("IncidentBridge:Jobs:StatusSync:Cron", "*/5 * * * *")]
    [InlineData("IncidentBridge:Jobs:FollowUpReview:Cron", "every day")]
    [InlineData("IncidentBridge:Jobs:OverdueDigest:Cron", "0 0 9 ? * FUNDAY")]
    [InlineData("IncidentBridge:Jobs:OverdueDigest:CatchUpCron", "hourly")]
    [InlineData("IncidentBridge:Jobs:OverdueDigest:CatchUpCron", "0 * * * *")]
    [InlineData("IncidentBridge:Jobs:OverdueDigest:TimeZone", "Mars/Olympus_Mons")]
    [InlineData("IncidentBridge:Jobs:FollowUpReview:ReviewAfterDays", "0")]
    [InlineData("IncidentBridge:Jobs:SchedulerName", " ")]
    public async Task Bad_setting_stops_the_start_with_a_message_naming_the_key(string key, string value)
    {
        using var directory = TempDirectory.Create("jobs");
        var settings = Jobs.QuietCrons().With(key, value);

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => JobsHost.StartAsync(Jobs.Fakes(), settings, directory.Path));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabled_that_is_not_a_boolean_stops_the_start_naming_the_key()
    {
        var settings = Jobs.QuietCrons().With("IncidentBridge:Jobs:Enabled", "sometimes");

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => JobsHost.StartAsync(Jobs.Fakes(), settings));

        Assert.Contains("IncidentBridge:Jobs:Enabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_scheduler_starts_after_the_storage_migrations()
    {
        // Hosted services start in registration order: Quartz validates its QRTZ_ tables when it starts, so the
        // migration that creates them must have run first.
        await using var host = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons());

        var hosted = host.App.Services.GetServices<IHostedService>().Select(service => service.GetType()).ToList();

        Assert.True(
            hosted.IndexOf(typeof(IncidentBridge.Storage.StorageInitializer)) < hosted.IndexOf(typeof(QuartzHostedService)),
            string.Join(", ", hosted.Select(type => type.Name)));
        Assert.Contains(typeof(QuartzHostedService), hosted);
    }

    [Fact]
    public async Task Iana_time_zones_and_the_defaults_start()
    {
        var settings = new Dictionary<string, string?> { ["IncidentBridge:Jobs:OverdueDigest:TimeZone"] = "Asia/Kolkata" };

        await using var host = await JobsHost.StartAsync(Jobs.Fakes(), settings);

        var trigger = await (await host.RunningSchedulerAsync()).GetTrigger(TriggerKey.Parse("follow-up.overdue-digest-cron"));
        var digest = Assert.IsAssignableFrom<ICronTrigger>(trigger);
        Assert.Equal(("0 0 9 ? * MON", "Asia/Kolkata"), (digest.CronExpressionString, digest.TimeZone.Id));
    }

    [Fact]
    public async Task With_jobs_disabled_there_is_no_scheduler_but_the_api_runs_jobs_and_the_worker_is_ready()
    {
        var statusSync = new FakeFollowUpJob(Jobs.StatusSync);
        var settings = Jobs.QuietCrons().With("IncidentBridge:Jobs:Enabled", "false").With("IncidentBridge:Jobs:StatusSync:Cron", "* * * * * ?");
        await using var host = await JobsHost.StartAsync([statusSync], settings);
        var client = host.CreateClient();

        var run = await client.RunJobAsync(Jobs.StatusSync);
        var ready = await client.GetAsync("/readyz");
        var list = await (await client.GetAsync("/api/jobs")).JsonAsync();

        Assert.Null(host.App.Services.GetService<ISchedulerFactory>());
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal(1, statusSync.Runs);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, list.GetProperty("schedulerStatus").ValueKind);
    }

    [Fact]
    public async Task Readiness_needs_a_running_scheduler()
    {
        await using var host = await JobsHost.StartAsync(Jobs.Fakes(), Jobs.QuietCrons());
        var scheduler = await host.RunningSchedulerAsync();
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await scheduler.Standby();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Postgres_with_a_sqlite_connection_string_stops_the_start_at_the_storage_key_not_inside_the_scheduler()
    {
        using var directory = TempDirectory.Create("jobs");
        var settings = Jobs.QuietCrons().With("IncidentBridge:Storage:Provider", "Postgres");

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => JobsHost.StartAsync(Jobs.Fakes(), settings, directory.Path));

        Assert.Contains("IncidentBridge:Storage:Provider", error.Message, StringComparison.Ordinal);
    }
}
