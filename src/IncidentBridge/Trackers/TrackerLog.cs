namespace IncidentBridge.Trackers;

/// <summary>
/// Log events of the steps every tracker takes alike (5301–5320): what it wrote, then what it found amiss. Each names
/// the tracker (<see cref="ITracker.Name"/>) and goes to that tracker's own log category; what only one tracker does,
/// it logs itself.
/// </summary>
internal static partial class TrackerLog
{
    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Created {Tracker} issue {IssueKey} for marker {Marker}")]
    public static partial void Created(ILogger logger, string tracker, string issueKey, string marker);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "Updated {Tracker} issue {IssueKey}")]
    public static partial void Updated(ILogger logger, string tracker, string issueKey);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "Commented on {Tracker} issue {IssueKey} ({HiddenId})")]
    public static partial void Commented(ILogger logger, string tracker, string issueKey, string hiddenId);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Information, Message = "{Tracker} issue {IssueKey} already carries comment {HiddenId}; not written again")]
    public static partial void CommentAlreadyThere(ILogger logger, string tracker, string issueKey, string hiddenId);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Information, Message = "Closed {Tracker} issue {IssueKey} as a duplicate of {KeptKey}")]
    public static partial void ClosedAsDuplicate(ILogger logger, string tracker, string issueKey, string keptKey);

    [LoggerMessage(EventId = 5306, Level = LogLevel.Information, Message = "Flagged {Tracker} issue {IssueKey} overdue")]
    public static partial void FlaggedOverdue(ILogger logger, string tracker, string issueKey);

    [LoggerMessage(EventId = 5308, Level = LogLevel.Warning, Message = "{Tracker} refused to assign the issue for marker {Marker} to {Assignee}; it is sent unassigned, its body naming the owner: {Error}")]
    public static partial void AssigneeRefused(ILogger logger, string tracker, string marker, string assignee, string error);

    [LoggerMessage(EventId = 5307, Level = LogLevel.Warning, Message = "Several {Tracker} issues carry marker {Marker} ({IssueKeys}); using {IssueKey}")]
    public static partial void SeveralCarryMarker(ILogger logger, string tracker, string marker, string issueKeys, string issueKey);
}
