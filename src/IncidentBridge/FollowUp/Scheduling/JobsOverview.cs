namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// <c>GET /api/jobs</c>: the scheduler (<paramref name="SchedulerStatus"/> null when <c>IncidentBridge:Jobs:Enabled=false</c>)
/// and every job it knows or the worker implements.
/// </summary>
internal sealed record JobsOverview(string? SchedulerName, string? SchedulerStatus, IReadOnlyList<JobView> Jobs);
