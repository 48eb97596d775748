using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>What <c>GET /api/jobs</c> shows: the configured schedules, the scheduler's next fire times, the last runs.</summary>
internal sealed class JobCatalog(JobRunner runner, SchedulerAccess access, IOptions<JobsOptions> options)
{
    public async Task<JobsOverview> DescribeAsync(CancellationToken cancellationToken)
    {
        var all = JobSchedule.From(options.Value);
        var schedules = all.Where(s => !s.CatchUp).ToDictionary(s => s.Job.Name, StringComparer.Ordinal);
        var catchUps = all.Where(s => s.CatchUp).ToDictionary(s => s.Job.Name, StringComparer.Ordinal);
        var scheduler = await access.GetAsync(cancellationToken);
        var names = schedules.Keys.Union(runner.JobNames.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        var jobs = new List<JobView>();
        foreach (var name in names)
        {
            var schedule = schedules.GetValueOrDefault(name);
            var catchUp = catchUps.GetValueOrDefault(name);
            jobs.Add(new JobView(
                name,
                runner.Has(name),
                schedule?.Cron,
                schedule?.TimeZone.Id,
                await NextFireTimeAsync(scheduler, schedule, cancellationToken),
                runner.LastRun(name),
                catchUp is null ? null : new JobCatchUpView(catchUp.Cron, await NextFireTimeAsync(scheduler, catchUp, cancellationToken))));
        }

        return new JobsOverview(scheduler?.SchedulerName, scheduler?.Status.ToString(), jobs);
    }

    private static async Task<DateTimeOffset?> NextFireTimeAsync(IScheduler? scheduler, JobSchedule? schedule, CancellationToken cancellationToken) =>
        scheduler is not null && schedule is not null
            ? (await scheduler.GetTrigger(schedule.Trigger, cancellationToken))?.NextFireTimeUtc
            : null;
}
