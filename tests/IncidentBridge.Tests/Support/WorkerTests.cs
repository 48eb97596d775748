namespace IncidentBridge.Tests.Support;

/// <summary>
/// A test class on a worker of its own: xunit makes an instance per test, so each test gets a fresh worker
/// (<see cref="Worker"/>), disposed after it. <see cref="Client"/> posts webhooks; <see cref="Incidents"/> drives
/// deliveries one at a time and reads incidents back. Both are made on first use.
/// </summary>
public abstract class WorkerTests : IAsyncLifetime
{
    private HttpClient? _client;
    private IncidentsClient? _incidents;

    private protected WorkerTests(WorkerFactory worker) => Worker = worker;

    private protected WorkerFactory Worker { get; }

    private protected HttpClient Client => _client ??= Worker.CreateClient();

    private protected IncidentsClient Incidents => _incidents ??= new IncidentsClient(Worker);

    /// <summary>Nothing by default; a class whose tests all start from the same incidents makes them here.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Worker.DisposeAsync();
}
