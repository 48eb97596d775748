using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>When one follow-up job fires: its cron, read in <see cref="TimeZone"/>.</summary>
internal sealed record JobSchedule(JobKey Job, string Cron, TimeZoneInfo TimeZone)
{
    public TriggerKey Trigger => FollowUpJobKeys.TriggerFor(Job);

    /// <summary>
    /// The three schedules of <c>IncidentBridge:Jobs</c>. Status sync and the review run in UTC, named rather than left
    /// to Quartz's default (the machine's local zone), so a container's TZ does not move them; only the digest, which
    /// people read, has a configurable zone.
    /// </summary>
    public static IReadOnlyList<JobSchedule> From(JobsOptions options)
    {
        JobsOptionsValidator.TryFindTimeZone(options.OverdueDigest.TimeZone, out var digestZone);
        return
        [
            new(FollowUpJobKeys.StatusSync, options.StatusSync.Cron, TimeZoneInfo.Utc),
            new(FollowUpJobKeys.FollowUpReview, options.FollowUpReview.Cron, TimeZoneInfo.Utc),
            new(FollowUpJobKeys.OverdueDigest, options.OverdueDigest.Cron, digestZone),
        ];
    }
}
