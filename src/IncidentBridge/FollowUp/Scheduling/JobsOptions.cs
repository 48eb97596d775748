namespace IncidentBridge.FollowUp.Scheduling;

/// <summary><c>IncidentBridge:Jobs</c>: when the follow-up jobs run (CONTRACT §1, §6).</summary>
internal sealed class JobsOptions
{
    public const string Section = "IncidentBridge:Jobs";

    public StatusSyncJobOptions StatusSync { get; set; } = new();

    public FollowUpReviewJobOptions FollowUpReview { get; set; } = new();

    public OverdueDigestJobOptions OverdueDigest { get; set; } = new();

    /// <summary>False: no scheduler at all (nothing fires on a cron); <c>POST /api/jobs/{name}/run</c> still runs a job.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Quartz's scheduler name, the <c>SCHED_NAME</c> of every row in the <c>QRTZ_</c> tables. All replicas of one
    /// deployment share it (that is what makes them one cluster once the store is clustered); two deployments on one
    /// database must not.
    /// </summary>
    public string SchedulerName { get; set; } = "IncidentBridge";
}
