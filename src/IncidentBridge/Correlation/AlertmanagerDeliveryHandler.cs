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
        var payload = AlertmanagerPayloadParser.Parse(delivery.Body).Stored("Alertmanager");
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
