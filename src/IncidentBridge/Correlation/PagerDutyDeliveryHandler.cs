using System.Data.Common;
using System.Text.Json;
using Dapper;
using IncidentBridge.Inbox;
using IncidentBridge.Incidents;

namespace IncidentBridge.Correlation;

/// <summary>Records each PagerDuty V3 event once, with the incident it is about, and applies it to that incident.</summary>
internal sealed class PagerDutyDeliveryHandler(PageCorrelator correlator) : IDeliveryHandler
{
    public string Source => SourceKinds.PagerDuty;

    public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var parsed = PagerDutyPayloadParser.Parse(delivery.Body);
        if (!parsed.Ok)
        {
            throw new InvalidDataException($"Stored PagerDuty payload is invalid at {parsed.Error.Field}: {parsed.Error.Detail}");
        }

        var evt = parsed.Value;
        var (incidentId, incidentKey) = IncidentOf(evt.Data);
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        var recorded = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO pagerduty_events (event_id, delivery_id, event_type, resource_type, occurred_at, incident_id, incident_key, agent, data, received_at)
            VALUES (@EventId, @DeliveryId, @EventType, @ResourceType, @OccurredAt, @IncidentId, @IncidentKey, @Agent, @Data, @ReceivedAt)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                EventId = evt.Id,
                DeliveryId = delivery.Id,
                evt.EventType,
                evt.ResourceType,
                OccurredAt = evt.OccurredAt.GetValueOrDefault().ToUnixTimeMilliseconds(),
                IncidentId = incidentId,
                IncidentKey = incidentKey,
                Agent = RawOrNull(evt.Agent),
                Data = RawOrNull(evt.Data),
                delivery.ReceivedAt,
            },
            transaction,
            cancellationToken: cancellationToken));
        if (recorded == 1)
        {
            await correlator.ApplyAsync(transaction, evt);
        }
    }

    /// <summary>
    /// Incident events carry the incident as <c>data</c>; <c>incident.annotated</c> carries a note whose
    /// <c>incident</c> is a reference (PROTOCOLS.md, PagerDuty).
    /// </summary>
    private static (string? Id, string? Key) IncidentOf(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } element)
        {
            return (null, null);
        }

        if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "incident")
        {
            return (StringOf(element, "id"), StringOf(element, "incident_key"));
        }

        return element.TryGetProperty("incident", out var incident) && incident.ValueKind == JsonValueKind.Object
            ? (StringOf(incident, "id"), StringOf(incident, "incident_key"))
            : (null, null);
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RawOrNull(JsonElement? element) =>
        element is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value ? value.GetRawText() : null;
}
