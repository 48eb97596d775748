using Microsoft.Extensions.Options;
using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

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
