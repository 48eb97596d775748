namespace IncidentBridge.FollowUp.Email;

/// <summary>Log events of the digest mailer (6201–6250).</summary>
internal static partial class EmailLog
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Sent the overdue digest to {Owner} ({ItemCount} items)")]
    public static partial void Sent(ILogger logger, string owner, int itemCount);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "The SMTP server refused the overdue digest for {Owner} ({ItemCount} items): {StatusCode} {Reason}")]
    public static partial void Refused(ILogger logger, string owner, int itemCount, int statusCode, string reason);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "Could not connect to the SMTP server {Host}:{Port}; the overdue digests of this run are not sent")]
    public static partial void ConnectionFailed(ILogger logger, string host, int port, Exception error);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Error, Message = "The SMTP connection failed while sending the overdue digest for {Owner}; the rest of this run's digests are not sent")]
    public static partial void RunFailed(ILogger logger, string owner, Exception error);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "E-mail is not configured (IncidentBridge:Email:Smtp:Host); the overdue digests of this run are not sent")]
    public static partial void NotConfigured(ILogger logger);

    [LoggerMessage(EventId = 6206, Level = LogLevel.Warning, Message = "The overdue digest for {Owner} ({ItemCount} items) has no valid e-mail address")]
    public static partial void BadAddress(ILogger logger, string owner, int itemCount);

    [LoggerMessage(EventId = 6207, Level = LogLevel.Debug, Message = "Closing the SMTP connection failed after the run: {Reason}")]
    public static partial void DisconnectFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 6208, Level = LogLevel.Error, Message = "The SMTP server did not accept the login; the overdue digests of this run are not sent")]
    public static partial void LoginFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 6209, Level = LogLevel.Warning, Message = "The SMTP server cannot take the overdue digest for {Owner} ({ItemCount} items): {Reason}")]
    public static partial void Unsupported(ILogger logger, string owner, int itemCount, string reason);

    [LoggerMessage(EventId = 6210, Level = LogLevel.Error, Message = "The SMTP server did not answer the overdue digest for {Owner} within {DeadlineSeconds} s: whether it was delivered is not known; it counts as not sent and is tried again")]
    public static partial void MessageTimedOut(ILogger logger, string owner, long deadlineSeconds);
}
