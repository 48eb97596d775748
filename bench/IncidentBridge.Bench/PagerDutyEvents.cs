using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IncidentBridge.Bench;

/// <summary>
/// Signed PagerDuty V3 webhook bodies for bench/wrk/pagerduty.lua, which cannot compute an HMAC itself: one line per
/// request, <c>v1=&lt;hex HMAC-SHA256 of the body&gt;</c>, a tab, the body. Each incident goes through its real
/// lifecycle (triggered, acknowledged, resolved), every event id is new, so each request takes the full path
/// (a repeated id would answer 202 duplicate:true, a different and cheaper path).
/// </summary>
internal static class PagerDutyEvents
{
    private static readonly string[] Lifecycle = ["incident.triggered", "incident.acknowledged", "incident.resolved"];

    public static async Task WriteAsync(string path, string secret, int run, int count, CancellationToken cancellationToken)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var start = DateTimeOffset.UtcNow;
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        for (var n = 0; n < count; n++)
        {
            var body = Body(run, n, start.AddMilliseconds(n));
            var raw = Encoding.UTF8.GetBytes(body);
            await writer.WriteAsync($"v1={Convert.ToHexStringLower(HMACSHA256.HashData(key, raw))}\t{body}\n".AsMemory(), cancellationToken);
        }
    }

    /// <summary>Event <paramref name="n"/> of run <paramref name="run"/>: incident n / 3, step n % 3 of its lifecycle.</summary>
    public static string Body(int run, int n, DateTimeOffset occurredAt)
    {
        var type = Lifecycle[n % Lifecycle.Length];
        var status = type[(type.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var number = n / Lifecycle.Length;
        var incident = string.Create(CultureInfo.InvariantCulture, $"Q{run:x2}{number:x8}");
        var at = occurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var eventId = string.Create(CultureInfo.InvariantCulture, $"01{run:X2}{n:X10}BENCH");
        var service = string.Create(CultureInfo.InvariantCulture, $"checkout-{number % 50}");
        var reference = (string kind, string id, string summary, string path) => new JsonObject
        {
            ["html_url"] = $"https://acme.pagerduty.com/{path}/{id}", ["id"] = id, ["self"] = $"https://api.pagerduty.com/{path}/{id}", ["summary"] = summary, ["type"] = kind,
        };
        var data = new JsonObject
        {
            ["id"] = incident,
            ["type"] = "incident",
            ["self"] = $"https://api.pagerduty.com/incidents/{incident}",
            ["html_url"] = $"https://acme.pagerduty.com/incidents/{incident}",
            ["number"] = number,
            ["status"] = status,
            ["incident_key"] = string.Create(CultureInfo.InvariantCulture, $"bench-{run}-{number}"),
            ["created_at"] = at,
            ["title"] = $"Payments API error rate above 5% on {service}",
            ["service"] = reference("service_reference", "PF9KMXH", service, "services"),
            ["assignees"] = new JsonArray(reference("user_reference", "PTUXL6G", "User 123", "users")),
            ["escalation_policy"] = reference("escalation_policy_reference", "PUS0KTE", "Default", "escalation_policies"),
            ["teams"] = new JsonArray(reference("team_reference", "PFCVPS0", "Engineering", "teams")),
            ["priority"] = reference("priority_reference", "PSO75BM", "P1", "priorities"),
            ["urgency"] = "high",
            ["conference_bridge"] = new JsonObject { ["conference_number"] = "+1 1234123412,,987654321#", ["conference_url"] = "https://example.com" },
            ["resolve_reason"] = null,
        };
        return new JsonObject
        {
            ["event"] = new JsonObject
            {
                ["id"] = eventId,
                ["event_type"] = type,
                ["resource_type"] = "incident",
                ["occurred_at"] = at,
                ["agent"] = reference("user_reference", "PLH1HKV", "Tenex Engineer", "users"),
                ["client"] = null,
                ["data"] = data,
            },
        }.ToJsonString();
    }
}
