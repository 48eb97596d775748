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

/// <summary>
/// <paramref name="Force"/>: do it again even if this period's run already happened (the digest's <c>?force=true</c>).
/// <paramref name="CatchUp"/>: a catch-up fire (<c>Jobs:OverdueDigest:CatchUpCron</c>): complete this period's run if it
/// was cut short or failed, and do nothing if the period's run has not started; jobs without a catch-up ignore it.
/// </summary>
internal sealed record JobRunOptions(bool Force, bool CatchUp = false);

/// <summary>
/// What a job run did: a one-line summary, counts by name (e.g. <c>synced</c>, <c>flagged</c>, <c>sent</c>), and the
/// problems it met and did not stop for (a deleted issue, a refused recipient), each reported, none swallowed.
/// </summary>
internal sealed record JobResult(
    string Job,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Summary,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyList<string> Problems);

/// <summary>Collects a run's counts and problems as it goes, so every job reports the same way.</summary>
internal sealed class JobResultBuilder(string job, DateTimeOffset startedAt)
{
    private readonly Dictionary<string, long> _counts = [];
    private readonly List<string> _problems = [];

    public DateTimeOffset StartedAt { get; } = startedAt;

    public void Add(string count, long by = 1) => _counts[count] = _counts.GetValueOrDefault(count) + by;

    public void Problem(string problem) => _problems.Add(problem);

    public JobResult Build(DateTimeOffset finishedAt, string summary) => new(job, StartedAt, finishedAt, summary, _counts, _problems);

    public long this[string count] => _counts.GetValueOrDefault(count);
}
