using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// When one follow-up job fires: its cron, read in <see cref="TimeZone"/>. <see cref="CatchUp"/>: the digest's catch-up
/// trigger rather than the job's own cron.
/// </summary>
internal sealed record JobSchedule(JobKey Job, string Cron, TimeZoneInfo TimeZone, bool CatchUp = false)
{
    public TriggerKey Trigger => CatchUp ? FollowUpJobKeys.OverdueDigestCatchUp : FollowUpJobKeys.TriggerFor(Job);

    /// <summary>
    /// The schedules of <c>IncidentBridge:Jobs</c>: one cron per job, and the digest's catch-up. Status sync and the
    /// review run in UTC, named rather than left to Quartz's default (the machine's local zone), so a container's TZ does
    /// not move them; only the digest, which people read, has a configurable zone, and its catch-up follows it.
    /// </summary>
    public static IReadOnlyList<JobSchedule> From(JobsOptions options)
    {
        JobsOptionsValidator.TryFindTimeZone(options.OverdueDigest.TimeZone, out var digestZone);
        return
        [
            new(FollowUpJobKeys.StatusSync, options.StatusSync.Cron, TimeZoneInfo.Utc),
            new(FollowUpJobKeys.FollowUpReview, options.FollowUpReview.Cron, TimeZoneInfo.Utc),
            new(FollowUpJobKeys.OverdueDigest, options.OverdueDigest.Cron, digestZone),
            new(FollowUpJobKeys.OverdueDigest, options.OverdueDigest.CatchUpCron, digestZone, CatchUp: true),
        ];
    }
}
