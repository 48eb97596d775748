using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// The one Quartz job class behind every follow-up job: the job key's name says which <see cref="IFollowUpJob"/> runs,
/// through the same <see cref="JobRunner"/> the API uses. Nothing escapes <see cref="Execute"/>: an exception out of a
/// job would be Quartz's to handle, and the trigger must simply fire again on its next time.
/// <c>[DisallowConcurrentExecution]</c>: a fire that comes round while the last run of the same job is still going
/// waits for it instead of starting a second. The digest's catch-up trigger fires the same job as a catch-up
/// (<see cref="JobRunOptions.CatchUp"/>), so it, too, waits for a run of the digest under way rather than overlap it.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class FollowUpQuartzJob(JobRunner runner, ILogger<FollowUpQuartzJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var name = context.JobDetail.Key.Name;
        try
        {
            var catchUp = context.Trigger.Key.Equals(FollowUpJobKeys.OverdueDigestCatchUp);
            if (await runner.RunNowAsync(name, new JobRunOptions(Force: false, catchUp), cancellationToken) is null)
            {
                JobsLog.NoSuchJob(logger, context.Trigger.Key, name);
            }
        }
        catch (JobRunningElsewhereException)
        {
            // Logged by the runner: a manual run on another replica is doing this fire's work right now.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            JobsLog.ScheduledRunCancelled(logger, name);
        }
        catch (Exception ex)
        {
            // The runner has logged the exception itself (event 7054); this line says what it means for the schedule.
            JobsLog.ScheduledRunFailed(logger, name, ex.GetType().Name, context.NextFireTimeUtc);
        }
    }
}
