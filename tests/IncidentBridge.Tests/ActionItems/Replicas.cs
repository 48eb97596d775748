using IncidentBridge.Incidents;
using Microsoft.Extensions.Hosting;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// A worker on a <see cref="FakeTimeProvider"/> whose action items are sent by dispatchers the test drives one batch at a
/// time (they play replicas sharing one database: each has its own lease owner), against one stateful
/// <see cref="FakeTracker"/> that shares the clock. The worker's own hosted dispatcher is stopped, so nothing races the test.
/// </summary>
internal sealed class Replicas : IAsyncDisposable
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    private readonly HttpClient _api;

    private Replicas(WorkerFactory worker, FakeTimeProvider time, FakeTracker tracker, ActionItemDispatcher[] dispatchers)
    {
        Worker = worker;
        Time = time;
        Tracker = tracker;
        Dispatchers = dispatchers;
        _api = worker.CreateApiClient();
    }

    public WorkerFactory Worker { get; }

    public FakeTimeProvider Time { get; }

    public FakeTracker Tracker { get; }

    public IReadOnlyList<ActionItemDispatcher> Dispatchers { get; }

    public static async Task<Replicas> StartAsync(PostgresServer? postgres, int dispatchers = 3, string tracker = "Jira", int batchSize = 3, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var fake = new FakeTracker(tracker, time);
        var worker = new WorkerFactory(
            postgres.Settings(new Dictionary<string, string?>
            {
                ["IncidentBridge:Routing:Default:Tracker"] = tracker,
                [tracker == "Jira" ? "IncidentBridge:Routing:Default:Project" : "IncidentBridge:Routing:Default:Repository"] = tracker == "Jira" ? "PAY" : "acme/payments",
                ["IncidentBridge:Storage:Synchronous"] = "Normal",
                ["IncidentBridge:ActionItems:LeaseDuration"] = Lease.ToString(),
                ["IncidentBridge:ActionItems:SearchSettle"] = Settle.ToString(),
                ["IncidentBridge:ActionItems:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["IncidentBridge:ActionItems:RetryDelay"] = "00:00:10",
                ["IncidentBridge:ActionItems:MaxRetryDelay"] = "00:01:00",
                ["IncidentBridge:ActionItems:RejectedRetryDelay"] = "00:05:00",
            }.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary()),
            time,
            // The hosted dispatcher is stopped below, perhaps before it has started, which the host would take for a crash.
            services: services => services.Configure<HostOptions>(options => options.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore),
            trackers: fake);
        _ = worker.Services;
        await worker.Service<ActionItemDispatcher>().StopAsync(CancellationToken.None);
        var own = Enumerable.Range(0, dispatchers).Select(_ => ActivatorUtilities.CreateInstance<ActionItemDispatcher>(worker.Services)).ToArray();
        return new Replicas(worker, time, fake, own);
    }

    /// <summary>A resolved incident written straight to storage (faster than a webhook, for schedules by the thousand).</summary>
    public async Task<string> NewIncidentAsync(int number)
    {
        var id = $"INC-2099-{number:D5}";
        var database = Worker.Service<IDatabase>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        var at = Time.GetUtcNow().ToUnixTimeMilliseconds();
        await IncidentStore.InsertInAsync(tx, new IncidentRow { Id = id, Title = $"Simulated outage {number}", Service = "payments", Alertname = "Sim", Severity = 2, Status = IncidentStatus.Resolved, StartedAt = at, AcknowledgedAt = at, ResolvedAt = at, StatusChangedAt = at, LastActivityAt = at, CorrelationHash = null, Labels = "{}" }, at);
        await tx.CommitAsync();
        return id;
    }

    public async Task PostAsync(string incident, PostmortemJson postmortem)
    {
        var response = await _api.PostAsync($"/api/incidents/{incident}/postmortem", new StringContent(postmortem.ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<IReadOnlyList<ActionItemRow>> ItemsAsync(string incident) =>
        await Worker.Service<ActionItemStore>().ForPostmortemAsync("PM-" + incident[4..], CancellationToken.None);

    public async Task<ActionItemRow> ItemAsync(string incident) => Assert.Single(await ItemsAsync(incident));

    /// <summary>One batch of dispatcher <paramref name="replica"/>.</summary>
    public Task<int> DispatchAsync(int replica = 0) => Dispatchers[replica].DispatchBatchAsync(CancellationToken.None);

    public async Task<JobResult> RunAsync<TJob>()
        where TJob : IFollowUpJob =>
        await Worker.Services.GetServices<IFollowUpJob>().OfType<TJob>().Single().RunAsync(new JobRunOptions(false), CancellationToken.None);

    public ValueTask DisposeAsync() => Worker.DisposeAsync();
}
