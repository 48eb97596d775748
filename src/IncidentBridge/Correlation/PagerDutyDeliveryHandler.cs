using IncidentBridge.Inbox;

namespace IncidentBridge.Correlation;

/// <summary>
/// Reads a stored PagerDuty V3 event once, records it once with the incident it is about, and applies it to that
/// incident: a retried event changes nothing.
/// </summary>
internal sealed class PagerDutyDeliveryHandler(PageCorrelator correlator) : IDeliveryHandler
{
    public string Source => SourceKinds.PagerDuty;

    public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var evt = PagerDutyPayloadParser.Parse(delivery.Body).Stored("PagerDuty");
        if (await SourceEventStore.RecordPagerDutyEventInAsync(transaction, delivery.Id, delivery.ReceivedAt, evt, PagerDutyIncidentData.ReferenceOf(evt.Data)))
        {
            await correlator.ApplyAsync(transaction, evt);
        }
    }
}
