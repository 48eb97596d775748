using System.Data.Common;

namespace IncidentBridge.Inbox;

/// <summary>
/// Turns one stored delivery of a source into records. Runs inside the processor's transaction, so its
/// writes and the delivery's <c>done</c> mark commit together; throwing rolls its writes back and
/// schedules a retry. Must be idempotent: a delivery may be handled again after a crash.
/// </summary>
internal interface IDeliveryHandler
{
    string Source { get; }

    Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken);
}
