using System.Threading.Channels;

namespace IncidentBridge.Inbox;

/// <summary>Wakes the processor as soon as the writer commits, instead of waiting for its next poll.</summary>
internal sealed class InboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or after <paramref name="timeout"/> on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = _channel.Reader.WaitToReadAsync(wake.Token).AsTask();
        var elapsed = Task.Delay(timeout, time, wake.Token);
        await Task.WhenAny(notified, elapsed);
        await wake.CancelAsync();
        _channel.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
