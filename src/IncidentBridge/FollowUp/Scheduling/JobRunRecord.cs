namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>The last run of a job in this process: its <see cref="JobOutcome"/> and what it reported.</summary>
internal sealed record JobRunRecord(string Outcome, JobResult Result);
