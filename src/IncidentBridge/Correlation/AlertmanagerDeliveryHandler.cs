using System.Data.Common;
using IncidentBridge.Inbox;
using IncidentBridge.Incidents;

namespace IncidentBridge.Correlation;

/// <summary>
/// Reads a stored Alertmanager notification once, records each of its alert states once and correlates the new ones
/// into incidents: repeats of the same state (repeat_interval, retries) change nothing.
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
            if (await SourceEventStore.RecordAlertInAsync(transaction, delivery.Id, delivery.ReceivedAt, payload.Receiver ?? "", groupKey, fingerprint, alert))
            {
                await correlator.ApplyAsync(transaction, groupKey, alert, fingerprint, delivery.ReceivedAt);
            }
        }
    }
}
