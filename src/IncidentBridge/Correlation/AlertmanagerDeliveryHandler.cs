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
        var notification = await correlator.BeginAsync(transaction, groupKey, alerts);
        var fresh = await SourceEventStore.RecordAlertsInAsync(transaction, delivery.Id, delivery.ReceivedAt, payload.Receiver ?? "", groupKey, alerts);
        var resolvedBefore = await ResolvedBeforeFiringAsync(transaction, groupKey, alerts, fresh);
        for (var i = 0; i < alerts.Count; i++)
        {
            if (!fresh[i])
            {
                continue;
            }

            var (fingerprint, alert) = alerts[i];
            await correlator.ApplyAsync(transaction, sender.Source, groupKey, alert, fingerprint, delivery.ReceivedAt, notification);
            if (alert.Status == "firing" && resolvedBefore.TryGetValue((fingerprint, alert.StartsAt.GetValueOrDefault().ToUnixTimeMilliseconds()), out var endsAt))
            {
                // Its resolve came first (this delivery was retried after the later one, or arrived late) and found nothing
                // to close then: it closes the firing now, so the alert ends as it would have in order.
                var resolved = alert with { Status = "resolved", EndsAt = endsAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null };
                await correlator.ApplyAsync(transaction, sender.Source, groupKey, resolved, fingerprint, delivery.ReceivedAt, notification);
            }
        }

        await notification.WriteAsync(transaction);
    }

    /// <summary>The group's resolved states recorded before this notification's new firings were: none to look up without new firings.</summary>
    private static async Task<Dictionary<(string Fingerprint, long StartsAt), long?>> ResolvedBeforeFiringAsync(
        DbTransaction transaction, string groupKey, List<(string Fingerprint, AlertmanagerAlert Alert)> alerts, bool[] fresh)
    {
        var firings = alerts.Where((a, i) => fresh[i] && a.Alert.Status == "firing").Select(a => a.Alert.StartsAt.GetValueOrDefault().ToUnixTimeMilliseconds()).ToList();
        return firings.Count == 0 ? [] : await SourceEventStore.ResolvedInAsync(transaction, groupKey, firings.Min());
    }
}
