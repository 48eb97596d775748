namespace IncidentBridge.Storage;

/// <summary>A turn to write, from <see cref="IDatabase.WaitWriteTurnAsync"/>: held until disposed (once).</summary>
internal sealed class WriteTurn : IDisposable
{
    private SemaphoreSlim? _gate;

    private WriteTurn(SemaphoreSlim? gate) => _gate = gate;

    /// <summary>The turn of a database whose writers do not queue in this process: nothing to hand back.</summary>
    public static WriteTurn Granted { get; } = new(null);

    /// <summary>Waits for <paramref name="gate"/> (its waiters are released in arrival order) and holds it.</summary>
    public static async ValueTask<WriteTurn> WaitAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return new WriteTurn(gate);
    }

    public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
}
