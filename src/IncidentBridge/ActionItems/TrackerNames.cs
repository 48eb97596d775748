namespace IncidentBridge.ActionItems;

internal static class TrackerNames
{
    public const string Jira = "Jira";
    public const string GitHub = "GitHub";
}
