using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>Log events of the follow-up job machinery (7051–7099; 7001–7050 are GitHub's).</summary>
internal static partial class JobsLog
{
    [LoggerMessage(EventId = 7051, Level = LogLevel.Information, Message = "Job {Job} started (force {Force})")]
    public static partial void Started(ILogger logger, string job, bool force);

    [LoggerMessage(EventId = 7052, Level = LogLevel.Information, Message = "Job {Job} {Outcome} in {DurationMs} ms: {Summary}")]
    public static partial void Finished(ILogger logger, string job, string outcome, long durationMs, string summary);

    [LoggerMessage(EventId = 7053, Level = LogLevel.Warning, Message = "Job {Job} reported a problem: {Problem}")]
    public static partial void Problem(ILogger logger, string job, string problem);

    [LoggerMessage(EventId = 7054, Level = LogLevel.Error, Message = "Job {Job} failed after {DurationMs} ms")]
    public static partial void Failed(ILogger logger, Exception exception, string job, long durationMs);

    [LoggerMessage(EventId = 7055, Level = LogLevel.Warning, Message = "Job {Job} was cancelled after {DurationMs} ms")]
    public static partial void Cancelled(ILogger logger, string job, long durationMs);

    [LoggerMessage(EventId = 7056, Level = LogLevel.Debug, Message = "Job {Job} waits for its run already under way in this process")]
    public static partial void Waiting(ILogger logger, string job);

    [LoggerMessage(EventId = 7057, Level = LogLevel.Information, Message = "Job {Job} is running on another replica: this run is not started")]
    public static partial void RunningElsewhere(ILogger logger, string job);

    [LoggerMessage(EventId = 7058, Level = LogLevel.Warning, Message = "Job {Job} stopped after {DurationMs} ms: it lost its database lock, so another replica may run it now")]
    public static partial void LockLost(ILogger logger, string job, long durationMs);

    [LoggerMessage(EventId = 7060, Level = LogLevel.Error, Message = "Trigger {Trigger} fired job {Job}, which no IFollowUpJob implements; nothing ran")]
    public static partial void NoSuchJob(ILogger logger, TriggerKey trigger, string job);

    [LoggerMessage(EventId = 7061, Level = LogLevel.Warning, Message = "Scheduled run of {Job} failed ({ExceptionType}); the schedule stands, next run at {NextFireTime}")]
    public static partial void ScheduledRunFailed(ILogger logger, string job, string exceptionType, DateTimeOffset? nextFireTime);

    [LoggerMessage(EventId = 7062, Level = LogLevel.Information, Message = "Scheduled run of {Job} stopped by shutdown")]
    public static partial void ScheduledRunCancelled(ILogger logger, string job);
}
