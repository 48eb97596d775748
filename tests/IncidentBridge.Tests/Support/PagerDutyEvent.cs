using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IncidentBridge.Tests.Support;

/// <summary>Builds PagerDuty V3 webhook bodies and their signatures.</summary>
public sealed class PagerDutyEvent
{
    private readonly string _eventType;
    private string _id = "01" + Guid.NewGuid().ToString("N")[..24].ToUpperInvariant();
    private string _incidentId = "PGR0VU2";

    private PagerDutyEvent(string eventType) => _eventType = eventType;

    public static PagerDutyEvent Of(string eventType) => new(eventType);

    public string Id => _id;

    public PagerDutyEvent WithId(string id)
    {
        _id = id;
        return this;
    }

    public PagerDutyEvent ForIncident(string incidentId)
    {
        _incidentId = incidentId;
        return this;
    }

    public override string ToString() => new JsonObject
    {
        ["event"] = new JsonObject
        {
            ["id"] = _id,
            ["event_type"] = _eventType,
            ["resource_type"] = _eventType.StartsWith("pagey", StringComparison.Ordinal) ? "pagey" : "incident",
            ["occurred_at"] = "2026-11-23T08:01:00.000Z",
            ["agent"] = new JsonObject { ["id"] = "PLH1HKV", ["type"] = "user_reference", ["summary"] = "Tenex Engineer" },
            ["client"] = null,
            ["data"] = new JsonObject
            {
                ["id"] = _incidentId,
                ["type"] = "incident",
                ["number"] = 2,
                ["status"] = "triggered",
                ["incident_key"] = "d3640fbd41094207a1c11e58e46b1662",
                ["title"] = "A little bump in the road",
                ["urgency"] = "high",
                ["html_url"] = $"https://acme.pagerduty.com/incidents/{_incidentId}",
                ["service"] = new JsonObject { ["id"] = "PF9KMXH", ["summary"] = "API Service" },
            },
        },
    }.ToJsonString();

    public static string Sign(string body, params string[] secrets) =>
        string.Join(',', secrets.Select(secret =>
            "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)))));
}
