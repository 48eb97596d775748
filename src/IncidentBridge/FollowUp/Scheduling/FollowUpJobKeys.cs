using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// The Quartz identities of the follow-up jobs: one static <see cref="JobKey"/> per job (Quartz best practice), named
/// as the job's <see cref="IFollowUpJob.Name"/>, so a stored job and its trigger are found again on every start.
/// </summary>
internal static class FollowUpJobKeys
{
    public const string Group = "follow-up";

    public static readonly JobKey StatusSync = new("status-sync", Group);

    public static readonly JobKey FollowUpReview = new("follow-up-review", Group);

    public static readonly JobKey OverdueDigest = new("overdue-digest", Group);

    public static IReadOnlyList<JobKey> All { get; } = [StatusSync, FollowUpReview, OverdueDigest];

    /// <summary>The one cron trigger of a job; a stable key is what lets a restart replace it instead of adding a second.</summary>
    public static TriggerKey TriggerFor(JobKey job) => new($"{job.Name}-cron", Group);

    /// <summary>
    /// The digest's second trigger (<c>Jobs:OverdueDigest:CatchUpCron</c>): it fires the same job, which
    /// <see cref="FollowUpQuartzJob"/> runs as a catch-up (<see cref="JobRunOptions.CatchUp"/>) when this key fired it.
    /// </summary>
    public static readonly TriggerKey OverdueDigestCatchUp = new("overdue-digest-catch-up", Group);
}
