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
    private DateTimeOffset _occurredAt = new(2026, 11, 23, 8, 1, 0, TimeSpan.Zero);
    private DateTimeOffset? _createdAt;
    private string? _incidentKey = "d3640fbd41094207a1c11e58e46b1662";
    private string? _priority;
    private string _urgency = "high";
    private string _service = "API Service";
    private string _agent = "Tenex Engineer";
    private string? _note;

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

    public PagerDutyEvent At(DateTimeOffset occurredAt)
    {
        _occurredAt = occurredAt;
        return this;
    }

    public PagerDutyEvent CreatedAt(DateTimeOffset createdAt)
    {
        _createdAt = createdAt;
        return this;
    }

    public PagerDutyEvent WithIncidentKey(string? incidentKey)
    {
        _incidentKey = incidentKey;
        return this;
    }

    public PagerDutyEvent WithPriority(string? priority, string urgency = "high")
    {
        _priority = priority;
        _urgency = urgency;
        return this;
    }

    public PagerDutyEvent OnService(string service)
    {
        _service = service;
        return this;
    }

    public PagerDutyEvent By(string agent)
    {
        _agent = agent;
        return this;
    }

    /// <summary>Makes this an <c>incident.annotated</c>-style event: data is a note referencing the incident.</summary>
    public PagerDutyEvent WithNote(string content)
    {
        _note = content;
        return this;
    }

    public override string ToString() => new JsonObject
    {
        ["event"] = new JsonObject
        {
            ["id"] = _id,
            ["event_type"] = _eventType,
            ["resource_type"] = _eventType.StartsWith("pagey", StringComparison.Ordinal) ? "pagey" : "incident",
            ["occurred_at"] = _occurredAt.ToString("O"),
            ["agent"] = new JsonObject { ["id"] = "PLH1HKV", ["type"] = "user_reference", ["summary"] = _agent },
            ["client"] = null,
            ["data"] = _note is null ? IncidentData() : NoteData(),
        },
    }.ToJsonString();

    private JsonObject IncidentData() => new()
    {
        ["id"] = _incidentId,
        ["type"] = "incident",
        ["number"] = 2,
        ["status"] = "triggered",
        ["incident_key"] = _incidentKey,
        ["created_at"] = (_createdAt ?? _occurredAt).ToString("O"),
        ["title"] = "A little bump in the road",
        ["urgency"] = _urgency,
        ["priority"] = _priority is null ? null : new JsonObject { ["id"] = "PSO75BM", ["type"] = "priority_reference", ["summary"] = _priority },
        ["html_url"] = $"https://acme.pagerduty.com/incidents/{_incidentId}",
        ["service"] = new JsonObject { ["id"] = "PF9KMXH", ["type"] = "service_reference", ["summary"] = _service },
        ["assignees"] = new JsonArray(new JsonObject { ["id"] = "PTUXL6G", ["type"] = "user_reference", ["summary"] = "User 123" }),
    };

    private JsonObject NoteData() => new()
    {
        ["id"] = "P9AY5PG",
        ["type"] = "incident_note",
        ["content"] = _note,
        ["incident"] = new JsonObject { ["id"] = _incidentId, ["type"] = "incident_reference", ["html_url"] = $"https://acme.pagerduty.com/incidents/{_incidentId}" },
    };

    public static string Sign(string body, params string[] secrets) =>
        string.Join(',', secrets.Select(secret =>
            "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)))));
}
