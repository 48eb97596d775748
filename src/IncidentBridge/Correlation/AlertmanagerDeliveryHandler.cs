using System.Data.Common;
using System.Text.Json;
using IncidentBridge.Inbox;
using IncidentBridge.Incidents;
using IncidentBridge.Storage;

namespace IncidentBridge.Correlation;

/// <summary>
/// Records each alert state of an Alertmanager notification once and correlates the new ones into incidents:
/// repeats of the same state (repeat_interval, retries) change nothing.
/// </summary>
internal sealed class AlertmanagerDeliveryHandler(AlertCorrelator correlator) : IDeliveryHandler
{
    public string Source => SourceKinds.Alertmanager;

    public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var parsed = AlertmanagerPayloadParser.Parse(delivery.Body);
        if (!parsed.Ok)
        {
            throw new InvalidDataException($"Stored Alertmanager payload is invalid at {parsed.Error.Field}: {parsed.Error.Detail}");
        }

        var payload = parsed.Value;
        var groupKey = payload.GroupKey ?? "";
        foreach (var alert in payload.Alerts ?? [])
        {
            var fingerprint = AlertmanagerPayloadParser.FingerprintOf(alert);
            var recorded = await CachedStatements.ExecuteAsync(
                transaction,
                """
                INSERT INTO alert_events (delivery_id, receiver, group_key, fingerprint, status, starts_at, ends_at, labels, annotations, generator_url, received_at)
                VALUES (@DeliveryId, @Receiver, @GroupKey, @Fingerprint, @Status, @StartsAt, @EndsAt, @Labels, @Annotations, @GeneratorUrl, @ReceivedAt)
                ON CONFLICT DO NOTHING
                """,
                ("@DeliveryId", delivery.Id),
                ("@Receiver", payload.Receiver ?? ""),
                ("@GroupKey", groupKey),
                ("@Fingerprint", fingerprint),
                ("@Status", alert.Status),
                ("@StartsAt", alert.StartsAt.GetValueOrDefault().ToUnixTimeMilliseconds()),
                ("@EndsAt", alert.EndedAt?.ToUnixTimeMilliseconds()),
                ("@Labels", JsonSerializer.Serialize(alert.Labels ?? [], RecordJsonContext.Default.DictionaryStringString)),
                ("@Annotations", JsonSerializer.Serialize(alert.Annotations ?? [], RecordJsonContext.Default.DictionaryStringString)),
                ("@GeneratorUrl", alert.GeneratorUrl),
                ("@ReceivedAt", delivery.ReceivedAt));
            if (recorded == 1)
            {
                await correlator.ApplyAsync(transaction, groupKey, alert, fingerprint, delivery.ReceivedAt);
            }
        }
    }
}
