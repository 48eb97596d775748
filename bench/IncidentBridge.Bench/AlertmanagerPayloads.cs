using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IncidentBridge.Bench;

/// <summary>
/// Alertmanager webhook v4 notifications, shaped like bench/wrk/alertmanager.lua's (the seeder must add the same
/// kind of rows the measured load adds), plus the single-alert probes the lag measurement uses.
/// </summary>
internal static class AlertmanagerPayloads
{
    private static readonly string[] Names =
    [
        "HighErrorRate", "HighLatencyP99", "PodCrashLooping", "DiskWillFillIn4h", "MemoryPressure",
        "KafkaConsumerLag", "CertificateExpiring", "TargetDown", "CPUThrottlingHigh", "SLOBurnRateFast",
    ];

    /// <summary>Leaves '+' and '&amp;' unescaped, byte for byte like the wrk script's bodies.</summary>
    private static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Severities = ["critical", "warning", "warning", "critical", "warning", "error", "info", "critical", "warning", "critical"];

    /// <summary>A new group of 10 firing alerts with new fingerprints and its own service: it opens an incident.</summary>
    public static string Notification(int run, int number)
    {
        var service = $"svc-r{run}-seed-{number}";
        var starts = Now();
        var alerts = new JsonArray([.. Enumerable.Range(1, 10).Select(i => (JsonNode)Alert(i, service, Fingerprint(run, 0xfe, number, i), starts))]);
        return Envelope(alerts, service, $"{{}}/{{team=\"payments\"}}:{{service=\"{service}\"}}").ToJsonString(Wire);
    }

    /// <summary>
    /// One alert that opens its own incident (service <c>bench-probe</c>, a cluster of its own), titled
    /// <see cref="ProbeTitle"/> so that the incident list shows when it has been correlated.
    /// </summary>
    public static string Probe(int run, int number)
    {
        var id = $"{run}-{number}";
        var alert = new JsonObject
        {
            ["status"] = "firing",
            ["labels"] = new JsonObject { ["alertname"] = "BenchProbe", ["service"] = "bench-probe", ["cluster"] = $"probe-{id}", ["severity"] = "info" },
            ["annotations"] = new JsonObject { ["summary"] = ProbeTitle(run, number) },
            ["startsAt"] = Now(),
            ["endsAt"] = "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus/graph",
            ["fingerprint"] = Fingerprint(run, 0xff, number, 0),
        };
        return Envelope([alert], "bench-probe", $"{{}}:{{probe=\"{id}\"}}").ToJsonString(Wire);
    }

    public static string ProbeTitle(int run, int number) => $"bench probe {run}-{number}";

    /// <summary>One alert for one new service: the incidents the tracker bench hangs its postmortems on.</summary>
    public static string Single(int run, int number)
    {
        var service = $"svc-r{run}-tracker-{number}";
        return Envelope([Alert(1, service, Fingerprint(run, 0xfd, number, 1), Now())], service, $"{{}}:{{service=\"{service}\"}}").ToJsonString(Wire);
    }

    private static JsonObject Envelope(JsonArray alerts, string service, string groupKey) => new()
    {
        ["receiver"] = "incidentbridge",
        ["status"] = "firing",
        ["alerts"] = alerts,
        ["groupLabels"] = new JsonObject { ["service"] = service },
        ["commonLabels"] = new JsonObject { ["cluster"] = "prod-eu-west-1", ["service"] = service, ["team"] = "payments" },
        ["commonAnnotations"] = new JsonObject(),
        ["externalURL"] = "http://alertmanager-0:9093",
        ["version"] = "4",
        ["groupKey"] = groupKey,
        ["truncatedAlerts"] = 0,
    };

    private static JsonObject Alert(int i, string service, string fingerprint, string starts)
    {
        var name = Names[i - 1];
        var pod = $"{service}-7d9f8b6c5-x{i}k2p";
        return new JsonObject
        {
            ["status"] = "firing",
            ["labels"] = new JsonObject
            {
                ["alertname"] = name, ["cluster"] = "prod-eu-west-1", ["instance"] = $"10.42.{i}.17:9100", ["job"] = service,
                ["namespace"] = "payments", ["pod"] = pod, ["service"] = service, ["severity"] = Severities[i - 1], ["team"] = "payments",
            },
            ["annotations"] = new JsonObject
            {
                ["summary"] = $"{name} on {service}",
                ["runbook_url"] = $"https://runbooks.example.com/{name}",
            },
            ["startsAt"] = starts,
            ["endsAt"] = "0001-01-01T00:00:00Z",
            ["generatorURL"] = $"http://prometheus-0:9090/graph?g0.expr=rate%28http_errors_total%7Bservice%3D%22{service}%22%7D%5B5m%5D%29+%3E+0.05&g0.tab=1",
            ["fingerprint"] = fingerprint,
        };
    }

    /// <summary>16 hex digits, unique per run, stream, notification and alert (Alertmanager's are 16 hex digits too).</summary>
    private static string Fingerprint(int run, int stream, int number, int alert) =>
        string.Create(CultureInfo.InvariantCulture, $"{run & 0xff:x2}{stream & 0xff:x2}{number:x10}{alert & 0xff:x2}");

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
