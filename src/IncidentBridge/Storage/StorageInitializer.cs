namespace IncidentBridge.Storage;

/// <summary>
/// Applies migrations before anything else starts: registered first, so hosted services that
/// read or write storage start against the current schema, and a broken database stops the start.
/// </summary>
internal sealed class StorageInitializer(IDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
