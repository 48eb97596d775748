using System.Text.Json;
using System.Text.Json.Nodes;

namespace IncidentBridge.Tests.Support;

/// <summary>Builds Alertmanager version-4 webhook bodies: <c>AlertmanagerWebhook.Firing("checkout").WithAlerts(3)</c>.</summary>
public sealed class AlertmanagerWebhook
{
    private static readonly DateTimeOffset DefaultStart = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private readonly string _service;
    private readonly string _status;
    private string _groupKey;
    private string _alertname = "HighErrorRate";
    private int _alerts = 1;
    private DateTimeOffset _startsAt = DefaultStart;

    private AlertmanagerWebhook(string service, string status)
    {
        _service = service;
        _status = status;
        _groupKey = $"{{}}:{{alertname=\"HighErrorRate\", service=\"{service}\"}}";
    }

    public static AlertmanagerWebhook Firing(string service) => new(service, "firing");

    public static AlertmanagerWebhook Resolved(string service) => new(service, "resolved");

    public AlertmanagerWebhook WithAlerts(int count)
    {
        _alerts = count;
        return this;
    }

    public AlertmanagerWebhook WithGroupKey(string groupKey)
    {
        _groupKey = groupKey;
        return this;
    }

    public AlertmanagerWebhook WithAlertname(string alertname)
    {
        _alertname = alertname;
        return this;
    }

    public AlertmanagerWebhook StartingAt(DateTimeOffset startsAt)
    {
        _startsAt = startsAt;
        return this;
    }

    public JsonObject ToJson()
    {
        var alerts = new JsonArray();
        for (var i = 0; i < _alerts; i++)
        {
            alerts.Add(new JsonObject
            {
                ["status"] = _status,
                ["labels"] = new JsonObject { ["alertname"] = _alertname, ["service"] = _service, ["instance"] = $"pod-{i}", ["severity"] = "critical" },
                ["annotations"] = new JsonObject { ["summary"] = $"{_alertname} on {_service}" },
                ["startsAt"] = _startsAt.ToString("O"),
                ["endsAt"] = _status == "firing" ? "0001-01-01T00:00:00Z" : _startsAt.AddMinutes(10).ToString("O"),
                ["generatorURL"] = "http://prometheus.local/graph",
                ["fingerprint"] = $"{Math.Abs(HashCode.Combine(_service, _alertname, i)):x8}{i:x8}",
            });
        }

        return new JsonObject
        {
            ["receiver"] = "incidentbridge",
            ["status"] = _status,
            ["alerts"] = alerts,
            ["groupLabels"] = new JsonObject { ["alertname"] = _alertname },
            ["commonLabels"] = new JsonObject { ["alertname"] = _alertname, ["service"] = _service },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.local",
            ["version"] = "4",
            ["groupKey"] = _groupKey,
            ["truncatedAlerts"] = 0,
        };
    }

    public override string ToString() => ToJson().ToJsonString();

    /// <summary>The body with one field replaced or removed, for the 400 cases.</summary>
    public string With(Action<JsonObject> change)
    {
        var json = ToJson();
        change(json);
        return json.ToJsonString(new JsonSerializerOptions());
    }
}
