using IncidentBridge.Inbox;

namespace IncidentBridge.ActionItems;

/// <summary>Wakes the dispatcher when a postmortem commits new work (the same wake-or-poll as the inbox).</summary>
internal sealed class ActionItemSignal
{
    private readonly InboxSignal _signal = new();

    public void Notify() => _signal.Notify();

    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, time, cancellationToken);
}
