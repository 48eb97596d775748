namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// <c>GET /api/jobs</c>: the scheduler (<paramref name="SchedulerStatus"/> null when <c>IncidentBridge:Jobs:Enabled=false</c>)
/// and every job it knows or the worker implements.
/// </summary>
internal sealed record JobsOverview(string? SchedulerName, string? SchedulerStatus, IReadOnlyList<JobView> Jobs);

/// <summary>
/// One job in <c>GET /api/jobs</c>. <paramref name="Available"/>: an <see cref="IFollowUpJob"/> implements it (a
/// scheduled name without one fires and does nothing). <paramref name="NextFireTime"/> is the scheduler's, null without
/// a scheduler; <paramref name="LastRun"/> is this process's last run, scheduled or manual. <paramref name="CatchUp"/>:
/// the digest's catch-up schedule (null for the other jobs).
/// </summary>
internal sealed record JobView(
    string Name,
    bool Available,
    string? Cron,
    string? TimeZone,
    DateTimeOffset? NextFireTime,
    JobRunRecord? LastRun,
    JobCatchUpView? CatchUp = null);

/// <summary>When a job's catch-up fires (<c>Jobs:OverdueDigest:CatchUpCron</c>, in the job's time zone).</summary>
internal sealed record JobCatchUpView(string Cron, DateTimeOffset? NextFireTime);
