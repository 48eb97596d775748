namespace IncidentBridge.Storage;

/// <summary>The lock of a database that only one process uses: there is nobody to keep out.</summary>
internal sealed class NoLock : IAsyncDisposable
{
    public static NoLock Instance { get; } = new();

    private NoLock()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
