using System.Data.Common;
using System.Text.Json;
using Dapper;
using IncidentBridge.Inbox;
using IncidentBridge.Ingest;

namespace IncidentBridge.Correlation;

/// <summary>Records each alert of an Alertmanager notification once: repeats of the same state change nothing.</summary>
internal sealed class AlertmanagerDeliveryHandler : IDeliveryHandler
{
    public string Source => DeliverySources.Alertmanager;

    public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var parsed = AlertmanagerPayloadParser.Parse(delivery.Body);
        if (!parsed.Ok)
        {
            throw new InvalidDataException($"Stored Alertmanager payload is invalid at {parsed.Error.Field}: {parsed.Error.Detail}");
        }

        var payload = parsed.Value;
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        foreach (var alert in payload.Alerts ?? [])
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO alert_events (delivery_id, receiver, group_key, fingerprint, status, starts_at, ends_at, labels, annotations, generator_url, received_at)
                VALUES (@DeliveryId, @Receiver, @GroupKey, @Fingerprint, @Status, @StartsAt, @EndsAt, @Labels, @Annotations, @GeneratorUrl, @ReceivedAt)
                ON CONFLICT DO NOTHING
                """,
                new
                {
                    DeliveryId = delivery.Id,
                    Receiver = payload.Receiver ?? "",
                    payload.GroupKey,
                    Fingerprint = AlertmanagerPayloadParser.FingerprintOf(alert),
                    alert.Status,
                    StartsAt = alert.StartsAt.GetValueOrDefault().ToUnixTimeMilliseconds(),
                    EndsAt = EndsAtOf(alert),
                    Labels = JsonSerializer.Serialize(alert.Labels ?? [], RecordJsonContext.Default.DictionaryStringString),
                    Annotations = JsonSerializer.Serialize(alert.Annotations ?? [], RecordJsonContext.Default.DictionaryStringString),
                    alert.GeneratorUrl,
                    delivery.ReceivedAt,
                },
                transaction,
                cancellationToken: cancellationToken));
        }
    }

    /// <summary>Alertmanager sends <c>0001-01-01T00:00:00Z</c> as endsAt while an alert fires: that means "none".</summary>
    private static long? EndsAtOf(AlertmanagerAlert alert) =>
        alert.EndsAt is { } endsAt && endsAt.Year > 1 ? endsAt.ToUnixTimeMilliseconds() : null;
}
