namespace IncidentBridge.Tests.Support;

/// <summary>Builds Alertmanager version-4 webhook bodies: <c>AlertmanagerWebhook.Firing("checkout").WithAlerts(3)</c>.</summary>
public sealed record AlertmanagerWebhook : AlertWebhookBody
{
    private static readonly DateTimeOffset DefaultStart = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private AlertmanagerWebhook(string service, string status)
        : base(service, status) => GroupKey = $"{{}}:{{alertname=\"HighErrorRate\", service=\"{service}\"}}";

    private string GroupKey { get; init; }

    private string Alertname { get; init; } = "HighErrorRate";

    private int Alerts { get; init; } = 1;

    private DateTimeOffset StartsAt { get; init; } = DefaultStart;

    public static AlertmanagerWebhook Firing(string service) => new(service, "firing");

    public static AlertmanagerWebhook Resolved(string service) => new(service, "resolved");

    public AlertmanagerWebhook WithAlerts(int count) => this with { Alerts = count };

    public AlertmanagerWebhook WithGroupKey(string groupKey) => this with { GroupKey = groupKey };

    public AlertmanagerWebhook WithAlertname(string alertname) => this with { Alertname = alertname };

    public AlertmanagerWebhook StartingAt(DateTimeOffset startsAt) => this with { StartsAt = startsAt };

    public override JsonObject ToJson()
    {
        var alerts = new JsonArray();
        for (var i = 0; i < Alerts; i++)
        {
            alerts.Add(new JsonObject
            {
                ["status"] = Status,
                ["labels"] = new JsonObject { ["alertname"] = Alertname, ["service"] = Service, ["instance"] = $"pod-{i}", ["severity"] = "critical" },
                ["annotations"] = new JsonObject { ["summary"] = $"{Alertname} on {Service}" },
                ["startsAt"] = StartsAt.ToString("O"),
                ["endsAt"] = Status == "firing" ? "0001-01-01T00:00:00Z" : StartsAt.AddMinutes(10).ToString("O"),
                ["generatorURL"] = "http://prometheus.local/graph",
                ["fingerprint"] = $"{Math.Abs(HashCode.Combine(Service, Alertname, i)):x8}{i:x8}",
            });
        }

        return new JsonObject
        {
            ["receiver"] = "incidentbridge",
            ["status"] = Status,
            ["alerts"] = alerts,
            ["groupLabels"] = new JsonObject { ["alertname"] = Alertname },
            ["commonLabels"] = new JsonObject { ["alertname"] = Alertname, ["service"] = Service },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.local",
            ["version"] = "4",
            ["groupKey"] = GroupKey,
            ["truncatedAlerts"] = 0,
        };
    }
}
