namespace IncidentBridge.Incidents;

internal static class IncidentSourceKinds
{
    public const string Alertmanager = "alertmanager";
    public const string PagerDuty = "pagerduty";
}
