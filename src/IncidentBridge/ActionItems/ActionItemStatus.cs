namespace IncidentBridge.ActionItems;

internal static class ActionItemStatus
{
    public const string Open = "open";
    public const string InProgress = "in-progress";
    public const string Done = "done";
}
