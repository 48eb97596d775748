namespace IncidentBridge.FollowUp.Scheduling;

/// <summary><c>IncidentBridge:Jobs:OverdueDigest</c>: the weekly e-mail to owners of overdue action items.</summary>
internal sealed class OverdueDigestJobOptions
{
    /// <summary>Quartz cron (seconds first), read in <see cref="TimeZone"/>: Mondays at 09:00 by default.</summary>
    public string Cron { get; set; } = "0 0 9 ? * MON";

    /// <summary>
    /// The zone the cron is read in, an IANA id (<c>Europe/Berlin</c>), so "Monday 09:00" is the owners' morning and
    /// follows their daylight-saving changes.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Quartz cron, read in <see cref="TimeZone"/>, of the catch-up: it completes a week whose run was cut short or failed
    /// (SMTP down, a crash, the worker stopping), mailing only the owners not yet sent that ISO week. Hourly by default,
    /// so a failed Monday run is finished within the hour rather than a week later.
    /// </summary>
    public string CatchUpCron { get; set; } = "0 0 * * * ?";
}
