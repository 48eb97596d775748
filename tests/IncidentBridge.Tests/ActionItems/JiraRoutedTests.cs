using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// What tests of postmortems turning into issues stand on: the whole worker routing every action item to an in-memory
/// Jira (<see cref="Jira"/>), with one firing incident, <see cref="Incident"/>, to post postmortems for. On SQLite, or on
/// PostgreSQL when given a server, so that a test class runs on both.
/// </summary>
public abstract class JiraRoutedTests : WorkerTests
{
    private protected const string Incident = "INC-2026-0001";

    private protected static readonly Dictionary<string, string?> JiraRoute = new()
    {
        ["IncidentBridge:Routing:Default:Tracker"] = "Jira",
        ["IncidentBridge:Routing:Default:Project"] = "PAY",
    };

    private protected JiraRoutedTests(PostgresServer? postgres)
        : this(new FakeTracker(), postgres)
    {
    }

    private JiraRoutedTests(FakeTracker jira, PostgresServer? postgres)
        : base(new WorkerFactory(postgres.Settings(JiraRoute), trackers: jira)) => Jira = jira;

    private protected FakeTracker Jira { get; }

    public override async Task InitializeAsync() => await Incidents.AlertsAsync("g", Firing("a1", T0));

    /// <summary>The action items as the test class reads them back (each with its <c>syncState</c>).</summary>
    private protected abstract Task<IReadOnlyList<JsonElement>> ItemsAsync();

    /// <summary>The items once there are <paramref name="count"/> of them and each has its issue.</summary>
    private protected Task<IReadOnlyList<JsonElement>> SyncedItemsAsync(int count) =>
        Eventually.UntilAsync(ItemsAsync, items => items.Count == count && items.All(i => i.GetProperty("syncState").GetString() == "synced"), $"{count} items are synced");

    private protected Task<HttpResponseMessage> PostPostmortemAsync(string body, string mediaType, string incident = Incident) =>
        Worker.CreateApiClient().PostAsync($"/api/incidents/{incident}/postmortem", new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)));
}
