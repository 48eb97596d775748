namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>A run was asked for while another replica on the same database runs the job: it was not started here.</summary>
internal sealed class JobRunningElsewhereException(string job)
    : Exception($"The job '{job}' is running on another replica; this run was not started.")
{
    public string Job { get; } = job;
}
