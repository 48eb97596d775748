using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary><c>IncidentBridge:Jobs</c>: when the follow-up jobs run.</summary>
internal sealed class JobsOptions
{
    public const string Section = "IncidentBridge:Jobs";

    public StatusSyncJobOptions StatusSync { get; set; } = new();

    public FollowUpReviewJobOptions FollowUpReview { get; set; } = new();

    public OverdueDigestJobOptions OverdueDigest { get; set; } = new();

    /// <summary>False: no scheduler at all (nothing fires on a cron); <c>POST /api/jobs/{name}/run</c> still runs a job.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Quartz's scheduler name, the <c>SCHED_NAME</c> of every row in the <c>QRTZ_</c> tables. All replicas of one
    /// deployment share it (that is what makes them one cluster once the store is clustered); two deployments on one
    /// database must not.
    /// </summary>
    public string SchedulerName { get; set; } = "IncidentBridge";
}

/// <summary><c>IncidentBridge:Jobs:FollowUpReview</c>: the week-4 review of published postmortems.</summary>
internal sealed class FollowUpReviewJobOptions
{
    /// <summary>Quartz cron (seconds first), in UTC: daily at 08:00 by default.</summary>
    public string Cron { get; set; } = "0 0 8 * * ?";

    /// <summary>A postmortem published this many days ago or more is reviewed.</summary>
    public int ReviewAfterDays { get; set; } = 28;
}

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

/// <summary><c>IncidentBridge:Jobs:StatusSync</c>.</summary>
internal sealed class StatusSyncJobOptions
{
    /// <summary>Quartz cron (seconds first), in UTC: every five minutes by default.</summary>
    public string Cron { get; set; } = "0 */5 * * * ?";
}

/// <summary>Collects every bad <c>IncidentBridge:Jobs</c> value, each naming its key, so one start shows them all.</summary>
internal sealed class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    /// <summary>The width of Quartz's <c>SCHED_NAME</c> column.</summary>
    private const int MaxSchedulerNameLength = 120;

    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var failures = new List<string>();
        Cron(failures, "StatusSync:Cron", options.StatusSync.Cron);
        Cron(failures, "FollowUpReview:Cron", options.FollowUpReview.Cron);
        Cron(failures, "OverdueDigest:Cron", options.OverdueDigest.Cron);
        Cron(failures, "OverdueDigest:CatchUpCron", options.OverdueDigest.CatchUpCron);
        if (!TryFindTimeZone(options.OverdueDigest.TimeZone, out _))
        {
            failures.Add($"{JobsOptions.Section}:OverdueDigest:TimeZone '{options.OverdueDigest.TimeZone}' is not a time zone this machine knows: give an IANA id such as 'UTC' or 'Europe/Berlin'.");
        }

        if (options.FollowUpReview.ReviewAfterDays < 1)
        {
            failures.Add($"{JobsOptions.Section}:FollowUpReview:ReviewAfterDays must be 1 or more (was {options.FollowUpReview.ReviewAfterDays}).");
        }

        if (string.IsNullOrWhiteSpace(options.SchedulerName) || options.SchedulerName.Length > MaxSchedulerNameLength)
        {
            failures.Add($"{JobsOptions.Section}:SchedulerName must be 1 to {MaxSchedulerNameLength} characters (was '{options.SchedulerName}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static bool TryFindTimeZone(string? id, out TimeZoneInfo timeZone)
    {
        timeZone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            timeZone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static void Cron(List<string> failures, string key, string? cron)
    {
        // Quartz 4 has no CronExpression.IsValidExpression any more; TryParse is its replacement and says no
        // for null, blank and five-field (Unix) expressions alike.
        if (!CronExpression.TryParse(cron, out _))
        {
            failures.Add($"{JobsOptions.Section}:{key} '{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year], e.g. '0 */5 * * * ?').");
        }
    }
}
