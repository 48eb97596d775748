namespace IncidentBridge.Incidents;

internal static class IncidentStatus
{
    public const string Triggered = "triggered";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
}
