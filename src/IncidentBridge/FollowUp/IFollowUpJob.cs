namespace IncidentBridge.FollowUp;

/// <summary>
/// One of the follow-up jobs (status-sync, follow-up-review, overdue-digest). Quartz runs it on its cron and
/// <c>POST /api/jobs/{name}/run</c> runs it now; either way it must be idempotent and report what it did.
/// </summary>
internal interface IFollowUpJob
{
    /// <summary>The job's name in the API and in <c>IncidentBridge:Jobs</c>: <c>status-sync</c>, <c>follow-up-review</c>, <c>overdue-digest</c>.</summary>
    string Name { get; }

    Task<JobResult> RunAsync(JobRunOptions options, CancellationToken cancellationToken);
}
