using System.Security.Cryptography;

namespace IncidentBridge.Tests.Support;

/// <summary>Builds PagerDuty V3 webhook bodies and their signatures.</summary>
public sealed record PagerDutyEvent
{
    private PagerDutyEvent(string eventType) => EventType = eventType;

    public string Id { get; private init; } = "01" + Guid.NewGuid().ToString("N")[..24].ToUpperInvariant();

    private string EventType { get; }

    private string IncidentId { get; init; } = "PGR0VU2";

    private DateTimeOffset OccurredAt { get; init; } = new(2026, 11, 23, 8, 1, 0, TimeSpan.Zero);

    private DateTimeOffset? Created { get; init; }

    private string? IncidentKey { get; init; } = "d3640fbd41094207a1c11e58e46b1662";

    private string? Priority { get; init; }

    private string Urgency { get; init; } = "high";

    private string Service { get; init; } = "API Service";

    private string Agent { get; init; } = "Tenex Engineer";

    private string? Team { get; init; }

    private string? Note { get; init; }

    public static PagerDutyEvent Of(string eventType) => new(eventType);

    public PagerDutyEvent WithId(string id) => this with { Id = id };

    public PagerDutyEvent ForIncident(string incidentId) => this with { IncidentId = incidentId };

    public PagerDutyEvent At(DateTimeOffset occurredAt) => this with { OccurredAt = occurredAt };

    public PagerDutyEvent CreatedAt(DateTimeOffset createdAt) => this with { Created = createdAt };

    public PagerDutyEvent WithIncidentKey(string? incidentKey) => this with { IncidentKey = incidentKey };

    public PagerDutyEvent WithPriority(string? priority, string urgency = "high") => this with { Priority = priority, Urgency = urgency };

    public PagerDutyEvent OnService(string service) => this with { Service = service };

    public PagerDutyEvent By(string agent) => this with { Agent = agent };

    /// <summary>The incident's <c>teams</c>: one team reference, as PagerDuty V3 sends them.</summary>
    public PagerDutyEvent OfTeam(string team) => this with { Team = team };

    /// <summary>Makes this an <c>incident.annotated</c>-style event: data is a note referencing the incident.</summary>
    public PagerDutyEvent WithNote(string content) => this with { Note = content };

    public override string ToString() => new JsonObject
    {
        ["event"] = new JsonObject
        {
            ["id"] = Id,
            ["event_type"] = EventType,
            ["resource_type"] = EventType.StartsWith("pagey", StringComparison.Ordinal) ? "pagey" : "incident",
            ["occurred_at"] = OccurredAt.ToString("O"),
            ["agent"] = new JsonObject { ["id"] = "PLH1HKV", ["type"] = "user_reference", ["summary"] = Agent },
            ["client"] = null,
            ["data"] = Note is null ? IncidentData() : NoteData(),
        },
    }.ToJsonString();

    private JsonObject IncidentData() => new()
    {
        ["id"] = IncidentId,
        ["type"] = "incident",
        ["number"] = 2,
        ["status"] = "triggered",
        ["incident_key"] = IncidentKey,
        ["created_at"] = (Created ?? OccurredAt).ToString("O"),
        ["title"] = "A little bump in the road",
        ["urgency"] = Urgency,
        ["priority"] = Priority is null ? null : new JsonObject { ["id"] = "PSO75BM", ["type"] = "priority_reference", ["summary"] = Priority },
        ["html_url"] = $"https://acme.pagerduty.com/incidents/{IncidentId}",
        ["service"] = new JsonObject { ["id"] = "PF9KMXH", ["type"] = "service_reference", ["summary"] = Service },
        ["assignees"] = new JsonArray(new JsonObject { ["id"] = "PTUXL6G", ["type"] = "user_reference", ["summary"] = "User 123" }),
        ["teams"] = Team is null ? new JsonArray() : new JsonArray(new JsonObject { ["id"] = "PFCVPS0", ["type"] = "team_reference", ["summary"] = Team }),
    };

    private JsonObject NoteData() => new()
    {
        ["id"] = "P9AY5PG",
        ["type"] = "incident_note",
        ["content"] = Note,
        ["incident"] = new JsonObject { ["id"] = IncidentId, ["type"] = "incident_reference", ["html_url"] = $"https://acme.pagerduty.com/incidents/{IncidentId}" },
    };

    public static string Sign(string body, params string[] secrets) =>
        string.Join(',', secrets.Select(secret =>
            "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)))));
}
