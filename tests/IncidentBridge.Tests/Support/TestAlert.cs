namespace IncidentBridge.Tests.Support;

/// <summary>One alert of a notification, for correlation scenarios: <c>TestAlert.Firing("fp1", T0).Service("checkout")</c>.</summary>
public sealed record TestAlert(string Fingerprint, string Status, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, IReadOnlyDictionary<string, string> Labels)
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static TestAlert Firing(string fingerprint, DateTimeOffset startsAt) =>
        new(fingerprint, "firing", startsAt, null, new Dictionary<string, string> { ["alertname"] = "HighErrorRate", ["service"] = "checkout", ["cluster"] = "eu-1", ["severity"] = "warning" });

    public TestAlert Resolved(DateTimeOffset endsAt) => this with { Status = "resolved", EndsAt = endsAt };

    public TestAlert FiringAgain(DateTimeOffset startsAt) => this with { Status = "firing", StartsAt = startsAt, EndsAt = null };

    public TestAlert With(string label, string value) => this with { Labels = new Dictionary<string, string>(Labels) { [label] = value } };

    public TestAlert Service(string service) => With("service", service);

    public TestAlert Severity(string severity) => With("severity", severity);

    public JsonObject ToJson()
    {
        var labels = new JsonObject();
        foreach (var (name, value) in Labels)
        {
            labels[name] = value;
        }

        return new JsonObject
        {
            ["status"] = Status,
            ["labels"] = labels,
            ["annotations"] = new JsonObject { ["summary"] = $"{Labels["alertname"]} on {Labels.GetValueOrDefault("service")}" },
            ["startsAt"] = StartsAt.ToString("O"),
            ["endsAt"] = EndsAt?.ToString("O") ?? "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus.local/graph",
            ["fingerprint"] = Fingerprint,
        };
    }

    /// <summary>An Alertmanager notification of <paramref name="alerts"/> for one group.</summary>
    public static string Notification(string groupKey, params TestAlert[] alerts)
    {
        var array = new JsonArray();
        foreach (var alert in alerts)
        {
            array.Add(alert.ToJson());
        }

        return new JsonObject
        {
            ["receiver"] = "incidentbridge",
            ["status"] = alerts.Any(a => a.Status == "firing") ? "firing" : "resolved",
            ["alerts"] = array,
            ["groupLabels"] = new JsonObject(),
            ["commonLabels"] = new JsonObject(),
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.local",
            ["version"] = "4",
            ["groupKey"] = groupKey,
            ["truncatedAlerts"] = 0,
        }.ToJsonString();
    }
}
