using System.Data.Common;
using System.Text.Json;
using Dapper;
using IncidentBridge.Storage;

namespace IncidentBridge.Correlation;

/// <summary>
/// <c>alert_events</c> and <c>pagerduty_events</c>: what each delivery said, recorded once. Their unique keys are the
/// sources' identities of a repeat (an alert state: group key, fingerprint, status and startsAt; a PagerDuty event: its
/// id; docs/PROTOCOLS.md), so a repeat records nothing and Correlation leaves it alone.
/// </summary>
internal static class SourceEventStore
{
    /// <summary>Records one alert state of a notification; false when it was recorded before (a repeat).</summary>
    public static async Task<bool> RecordAlertInAsync(
        DbTransaction tx, string deliveryId, long receivedAtMs, string receiver, string groupKey, string fingerprint, AlertmanagerAlert alert) =>
        await CachedStatements.ExecuteAsync(
            tx,
            """
            INSERT INTO alert_events (delivery_id, receiver, group_key, fingerprint, status, starts_at, ends_at, generator_url, received_at)
            VALUES (@DeliveryId, @Receiver, @GroupKey, @Fingerprint, @Status, @StartsAt, @EndsAt, @GeneratorUrl, @ReceivedAt)
            ON CONFLICT DO NOTHING
            """,
            ("@DeliveryId", deliveryId),
            ("@Receiver", receiver),
            ("@GroupKey", groupKey),
            ("@Fingerprint", fingerprint),
            ("@Status", alert.Status),
            ("@StartsAt", alert.StartsAt.GetValueOrDefault().ToUnixTimeMilliseconds()),
            ("@EndsAt", alert.EndedAt?.ToUnixTimeMilliseconds()),
            ("@GeneratorUrl", alert.GeneratorUrl),
            ("@ReceivedAt", receivedAtMs)) == 1;

    /// <summary>Records a PagerDuty event with the incident it is about; false when its id was recorded before (a retry).</summary>
    public static async Task<bool> RecordPagerDutyEventInAsync(
        DbTransaction tx, string deliveryId, long receivedAtMs, PagerDutyEvent evt, (string? Id, string? Key) incident) =>
        await Connection(tx).ExecuteAsync(
            """
            INSERT INTO pagerduty_events (event_id, delivery_id, event_type, resource_type, occurred_at, incident_id, incident_key, agent, data, received_at)
            VALUES (@EventId, @DeliveryId, @EventType, @ResourceType, @OccurredAt, @IncidentId, @IncidentKey, @Agent, @Data, @ReceivedAt)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                EventId = evt.Id,
                DeliveryId = deliveryId,
                evt.EventType,
                evt.ResourceType,
                OccurredAt = evt.OccurredAt.GetValueOrDefault().ToUnixTimeMilliseconds(),
                IncidentId = incident.Id,
                IncidentKey = incident.Key,
                Agent = RawOrNull(evt.Agent),
                Data = RawOrNull(evt.Data),
                ReceivedAt = receivedAtMs,
            },
            tx) == 1;

    private static string? RawOrNull(JsonElement? element) =>
        element is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value ? value.GetRawText() : null;

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
}
