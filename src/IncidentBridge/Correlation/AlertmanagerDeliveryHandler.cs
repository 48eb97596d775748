using IncidentBridge.Inbox;

namespace IncidentBridge.Correlation;

/// <summary>
/// Reads a stored Alertmanager-shaped notification (Alertmanager's, or Grafana's: one handler per
/// <see cref="AlertSender"/>) once, records each of its alert states once and correlates the new ones into incidents:
/// repeats of the same state (repeat_interval, retries) change nothing.
/// </summary>
internal sealed class AlertmanagerDeliveryHandler(AlertSender sender, AlertCorrelator correlator) : IDeliveryHandler
{
    public string Source => sender.Source;

    public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var payload = AlertmanagerPayloadParser.Parse(delivery.Body, sender).Stored(sender.Name);
        var groupKey = payload.GroupKey ?? "";
        var alerts = (payload.Alerts ?? []).Select(alert => (AlertmanagerPayloadParser.FingerprintOf(alert), alert)).ToList();
        var fresh = await SourceEventStore.RecordAlertsInAsync(transaction, delivery.Id, delivery.ReceivedAt, payload.Receiver ?? "", groupKey, alerts);
        var notification = new AlertCorrelator.Notification();
        for (var i = 0; i < alerts.Count; i++)
        {
            if (fresh[i])
            {
                await correlator.ApplyAsync(transaction, sender.Source, groupKey, alerts[i].Item2, alerts[i].Item1, delivery.ReceivedAt, notification);
            }
        }
    }
}
