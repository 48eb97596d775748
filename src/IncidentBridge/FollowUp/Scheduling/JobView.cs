namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// One job in <c>GET /api/jobs</c>. <paramref name="Available"/>: an <see cref="IFollowUpJob"/> implements it (a
/// scheduled name without one fires and does nothing). <paramref name="NextFireTime"/> is the scheduler's, null without
/// a scheduler; <paramref name="LastRun"/> is this process's last run, scheduled or manual.
/// </summary>
internal sealed record JobView(
    string Name,
    bool Available,
    string? Cron,
    string? TimeZone,
    DateTimeOffset? NextFireTime,
    JobRunRecord? LastRun);
