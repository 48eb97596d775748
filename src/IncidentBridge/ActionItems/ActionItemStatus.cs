namespace IncidentBridge.ActionItems;

internal static class ActionItemStatus
{
    public const string Open = "open";
    public const string InProgress = "in-progress";
    public const string Done = "done";

    /// <summary>Closed without doing it (Jira's Won't Do and kin, GitHub's not planned): neither done nor overdue.</summary>
    public const string NotDoing = "not-doing";
}
