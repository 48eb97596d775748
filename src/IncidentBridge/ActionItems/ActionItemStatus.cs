namespace IncidentBridge.ActionItems;

internal static class ActionItemStatus
{
    public const string Open = "open";
    public const string InProgress = "in-progress";
    public const string Done = "done";

    /// <summary>Closed without doing it (Jira's Won't Do and kin, GitHub's not planned): neither done nor overdue.</summary>
    public const string NotDoing = "not-doing";
}

/// <summary>Where an action item stands with its tracker issue.</summary>
internal static class SyncState
{
    /// <summary>The postmortem is not published yet: no issue is made.</summary>
    public const string Held = "held";

    /// <summary>Waiting for the dispatcher (new, changed, or retrying after an outage or rate limit).</summary>
    public const string Pending = "pending";

    public const string Synced = "synced";

    /// <summary>The tracker refused the issue (its error is kept); retried after a restart or an hour.</summary>
    public const string Rejected = "rejected";

    /// <summary>The issue was deleted in the tracker: shown and reported, never replaced by a new one silently.</summary>
    public const string Lost = "lost";

    /// <summary>The name the API shows (an item waiting for its tracker is <c>pending-sync</c>).</summary>
    public static string Display(string state) => state == Pending ? "pending-sync" : state;
}

/// <summary>Where an item's due date came from.</summary>
internal static class DueDateSources
{
    public const string Postmortem = "postmortem";

    /// <summary>Published without one: <c>FollowUp:Policies:&lt;priority&gt;:DueDays</c> after publication.</summary>
    public const string Policy = "policy";

    /// <summary>Changed in the tracker (Jira's due date) after the postmortem gave it.</summary>
    public const string Tracker = "tracker";
}

/// <summary>What the follow-up review writes on an overdue item's issue, each once: the flag, then perhaps the escalation.</summary>
internal enum OverdueNotice
{
    /// <summary>The <c>overdue</c> label and a comment saying since when.</summary>
    Flag,

    /// <summary>A comment naming the owner's lead, who is told in their digest too.</summary>
    Escalation,
}
