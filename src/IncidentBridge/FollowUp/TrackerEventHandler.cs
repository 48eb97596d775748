using IncidentBridge.Inbox;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The inbox's way out for a tracker's webhook deliveries (one handler per tracker source): reads the stored body again
/// and hands the issue event to <see cref="TrackerStateApplier"/>, in the processor's transaction, so the item's change and
/// the delivery's <c>done</c> commit together. A delivery about nothing followed (a ping, a comment) changes nothing.
/// </summary>
internal sealed class TrackerEventHandler(ITrackerWebhookReader reader, TrackerStateApplier applier, TimeProvider time) : IDeliveryHandler
{
    public string Source => reader.Source;

    public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (reader.Read(delivery.Body, delivery.EventType).Stored(reader.Source).Event is { } evt)
        {
            await applier.ApplyEventInAsync(transaction, evt, time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }
}
