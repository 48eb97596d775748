using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

internal static class JobsRegistration
{
    /// <summary>
    /// The follow-up job machinery: <see cref="JobRunner"/>, metrics, the <c>scheduler</c> readiness check and, unless
    /// <c>IncidentBridge:Jobs:Enabled=false</c>, a Quartz scheduler on the worker's database that fires each job on
    /// its cron. The jobs themselves are <see cref="IFollowUpJob"/> singletons registered by their feature.
    /// Call after <c>AddStorage()</c>: hosted services start in registration order, so the migrations (including
    /// Quartz's tables) are applied before Quartz's hosted service builds and starts the scheduler.
    /// </summary>
    /// <remarks>
    /// Misfire policy: a cron fire missed while the worker was down (or busy past Quartz's misfire threshold, 60 s)
    /// runs once as soon as the scheduler is back, then the schedule resumes; it is never replayed once per missed
    /// fire (<see cref="CronTriggerMisfireInstruction.FireAndProceed"/>). Each job catches up on everything since its
    /// last run anyway (status sync asks for what changed since the last sync, the review and the digest look at what
    /// is due now), so one late run does the work of all the missed ones, and a missed Monday digest still goes out.
    /// On start the triggers are declared again from configuration and replace the stored ones (a changed cron takes
    /// effect), relative to the replaced trigger's last fire (<see cref="SchedulingOptions.ScheduleTriggerRelativeToReplacedTrigger"/>),
    /// which is what keeps a fire missed during the downtime a misfire instead of silently dropping it.
    /// </remarks>
    public static WebApplicationBuilder AddFollowUpJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<JobsOptions, JobsOptionsValidator>(JobsOptions.Section);
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<SchedulerAccess>();
        services.AddSingleton<JobCatalog>();
        services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("scheduler", tags: [HealthTags.Ready]);

        // Whether there is a scheduler, its name and its database decide what is registered, so they are read from
        // configuration here; everything else (the crons) is read through the validated options when the scheduler
        // is built. A bad value here still reaches the validators, which stop the start naming the key.
        var jobs = new JobsOptions();
        builder.Configuration.GetSection(JobsOptions.Section).Bind(jobs);
        if (!jobs.Enabled)
        {
            return builder;
        }

        Enum.TryParse<StorageProvider>(builder.Configuration[$"{StorageOptions.Section}:Provider"], ignoreCase: true, out var provider);
        // A blank name is JobsOptionsValidator's to report with the key; Quartz would add an error that names none.
        var schedulerName = string.IsNullOrWhiteSpace(jobs.SchedulerName) ? new JobsOptions().SchedulerName : jobs.SchedulerName;
        services.AddQuartz(quartz => ConfigureScheduler(quartz, schedulerName, provider));
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return builder;
    }

    private static void ConfigureScheduler(IQuartzBuilder quartz, string schedulerName, StorageProvider provider)
    {
        quartz.ConfigureScheduler(scheduler =>
        {
            scheduler.InstanceName = schedulerName;
            // AUTO: a clustered store derives a distinct id per replica; unclustered Quartz keeps NON_CLUSTERED.
            scheduler.GenerateInstanceId = true;
        });
        quartz.UsePersistentStore(store => store.UseWorkerDatabase(provider));
        quartz.ConfigureOptions<QuartzOptions>(options =>
        {
            options.Scheduling.OverwriteExistingData = true;
            options.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = true;
        });

        foreach (var key in FollowUpJobKeys.All)
        {
            quartz.AddJob<FollowUpQuartzJob>(job => job.WithIdentity(key).WithDescription($"IFollowUpJob '{key.Name}'").StoreDurably());
            AddCronTrigger(quartz, key, catchUp: false);
        }

        AddCronTrigger(quartz, FollowUpJobKeys.OverdueDigest, catchUp: true);
    }

    /// <remarks>
    /// A missed catch-up fire is not run late (<see cref="CronTriggerMisfireInstruction.DoNothing"/>): the job's own
    /// misfire already runs once on start, and the next catch-up is at most one cron period away.
    /// </remarks>
    private static void AddCronTrigger(IQuartzBuilder quartz, JobKey key, bool catchUp) =>
        quartz.AddTrigger<FollowUpQuartzJob>((services, trigger) =>
        {
            var schedule = JobSchedule.From(services.GetRequiredService<IOptions<JobsOptions>>().Value).Single(s => s.Job.Equals(key) && s.CatchUp == catchUp);
            trigger.ForJob(key)
                .WithIdentity(schedule.Trigger)
                .WithDescription(catchUp ? $"IncidentBridge:Jobs:OverdueDigest:CatchUpCron for {key.Name}" : $"IncidentBridge:Jobs cron for {key.Name}")
                .WithCronSchedule(schedule.Cron, cron => cron
                    .InTimeZone(schedule.TimeZone)
                    .WithMisfireInstruction(catchUp ? CronTriggerMisfireInstruction.DoNothing : CronTriggerMisfireInstruction.FireAndProceed));
        });
}
