namespace IncidentBridge.FollowUp.Scheduling;

/// <summary><c>IncidentBridge:Jobs:FollowUpReview</c>: the week-4 review of published postmortems.</summary>
internal sealed class FollowUpReviewJobOptions
{
    /// <summary>Quartz cron (seconds first), in UTC: daily at 08:00 by default.</summary>
    public string Cron { get; set; } = "0 0 8 * * ?";

    /// <summary>A postmortem published this many days ago or more is reviewed.</summary>
    public int ReviewAfterDays { get; set; } = 28;
}
