namespace IncidentBridge.Inbox;

internal static class DeliverySources
{
    public const string Alertmanager = "alertmanager";
    public const string PagerDuty = "pagerduty";
}
