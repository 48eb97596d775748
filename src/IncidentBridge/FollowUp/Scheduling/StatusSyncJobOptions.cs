namespace IncidentBridge.FollowUp.Scheduling;

/// <summary><c>IncidentBridge:Jobs:StatusSync</c>.</summary>
internal sealed class StatusSyncJobOptions
{
    /// <summary>Quartz cron (seconds first), in UTC: every five minutes by default.</summary>
    public string Cron { get; set; } = "0 */5 * * * ?";
}
