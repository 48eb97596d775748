using IncidentBridge.Inbox;
using ObservedAlert = IncidentBridge.Correlation.AlertCorrelator.ObservedAlert;

namespace IncidentBridge.Correlation;

/// <summary>
/// Reads a stored Alertmanager-shaped notification (Alertmanager's, or Grafana's: one handler per
/// <see cref="AlertSender"/>) once, records each of its alert states once and correlates the new ones into incidents:
/// repeats of the same state (repeat_interval, retries) change nothing.
/// </summary>
internal sealed class AlertmanagerDeliveryHandler(AlertSender sender, AlertCorrelator correlator) : IDeliveryHandler
{
    public string Source => sender.Source;

    /// <summary>The stored body parsed and its alerts observed (<see cref="AlertCorrelator.Observe"/>): no database.</summary>
    public object Prepare(ClaimedDelivery delivery) => Read(delivery);

    public Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken) =>
        HandleAsync(delivery, null, transaction, cancellationToken);

    public async Task HandleAsync(ClaimedDelivery delivery, object? prepared, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var (receiver, groupKey, alerts) = prepared as ReadNotification ?? Read(delivery);
        var notification = await correlator.BeginAsync(transaction, groupKey, alerts);
        var fresh = await SourceEventStore.RecordAlertsInAsync(transaction, delivery.Id, delivery.ReceivedAt, receiver, groupKey, alerts);
        var resolvedBefore = await ResolvedBeforeFiringAsync(transaction, groupKey, alerts, fresh);
        for (var i = 0; i < alerts.Count; i++)
        {
            if (!fresh[i])
            {
                continue;
            }

            var alert = alerts[i];
            await correlator.ApplyAsync(transaction, alert, notification);
            if (alert.Firing && resolvedBefore.TryGetValue((alert.Fingerprint, alert.StartsAt), out var endsAt))
            {
                // Its resolve came first (this delivery was retried after the later one, or arrived late) and found nothing
                // to close then: it closes the firing now, so the alert ends as it would have in order.
                await correlator.ApplyAsync(transaction, alert.Resolved(endsAt, delivery.ReceivedAt), notification);
            }
        }

        await notification.WriteAsync(transaction);
    }

    private ReadNotification Read(ClaimedDelivery delivery)
    {
        var payload = AlertmanagerPayloadParser.Parse(delivery.Body, sender).Stored(sender.Name);
        var groupKey = payload.GroupKey ?? "";
        var alerts = correlator.Observe(sender.Source, groupKey, payload.Alerts ?? [], delivery.ReceivedAt);
        return new(payload.Receiver ?? "", groupKey, alerts);
    }

    private sealed record ReadNotification(string Receiver, string GroupKey, List<ObservedAlert> Alerts);

    /// <summary>The group's resolved states recorded before this notification's new firings were: none to look up without new firings.</summary>
    private static async Task<Dictionary<(string Fingerprint, long StartsAt), long?>> ResolvedBeforeFiringAsync(
        DbTransaction transaction, string groupKey, List<ObservedAlert> alerts, bool[] fresh)
    {
        var firings = alerts.Where((a, i) => fresh[i] && a.Firing).Select(a => a.StartsAt).ToList();
        return firings.Count == 0 ? [] : await SourceEventStore.ResolvedInAsync(transaction, groupKey, firings.Min());
    }
}
