namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>The <c>outcome</c> label of <c>incidentbridge_job_runs_total</c> and of the last run in <c>GET /api/jobs</c>.</summary>
internal static class JobOutcome
{
    public const string Succeeded = "succeeded";

    /// <summary>Ran to the end but reported problems it did not stop for (a deleted issue, a refused recipient).</summary>
    public const string Problems = "problems";

    /// <summary>Threw: it did not finish.</summary>
    public const string Failed = "failed";

    /// <summary>Stopped by shutdown or by the caller going away.</summary>
    public const string Cancelled = "cancelled";

    public static string Of(JobResult result) => result.Problems.Count == 0 ? Succeeded : Problems;
}

/// <summary>The last run of a job in this process: its <see cref="JobOutcome"/> and what it reported.</summary>
internal sealed record JobRunRecord(string Outcome, JobResult Result);
