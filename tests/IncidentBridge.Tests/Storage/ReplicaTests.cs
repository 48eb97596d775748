using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Storage;

/// <summary>
/// Two replicas (two whole workers in process) on one PostgreSQL database, each taking webhooks and API calls and
/// running its own inbox processor and tracker outbox: the work is shared, none of it is done twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(PostgresServer postgres)
{
    private static readonly Dictionary<string, string?> JiraRoute = new()
    {
        ["IncidentBridge:Routing:Default:Tracker"] = "Jira",
        ["IncidentBridge:Routing:Default:Project"] = "PAY",
    };

    [Fact]
    public async Task Deliveries_posted_to_both_replicas_are_all_processed_exactly_once()
    {
        var settings = postgres.Settings();
        await using var first = new WorkerFactory(settings);
        await using var second = new WorkerFactory(settings);
        var clients = new[] { first.CreateClient(), second.CreateClient() };

        var responses = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(i => clients[i % 2].PostAlertmanagerAsync(AlertmanagerWebhook.Firing($"service-{i}").WithAlerts(2).ToString())));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var done = await Eventually.UntilAsync(() => Deliveries.ListAsync(first.CreateApiClient(), "done"), d => d.Count == 60, "all 60 deliveries are processed");
        Assert.All(done, d => Assert.Equal(1, d.GetProperty("attempts").GetInt64()));
        Assert.Equal(120, await first.CountAsync("alert_events"));
        Assert.Equal(60, await first.CountAsync("incidents"));
    }

    [Fact]
    public async Task Alerts_of_one_group_sent_to_both_replicas_at_once_make_one_incident()
    {
        const string group = "{}:{alertname=\"HighErrorRate\", service=\"checkout\"}";
        var settings = postgres.Settings();
        await using var first = new WorkerFactory(settings);
        await using var second = new WorkerFactory(settings);
        var clients = new[] { first.CreateClient(), second.CreateClient() };

        await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => clients[i % 2].PostAlertmanagerAsync(Notification(group, Firing($"alert-{i}", T0.AddSeconds(i))))));

        await Eventually.UntilAsync(() => Deliveries.ListAsync(first.CreateApiClient(), "done"), d => d.Count == 40, "all 40 deliveries are processed");
        var incident = await new IncidentsClient(second).SingleAsync();
        Assert.Equal(40, incident.GetProperty("alerts").GetArrayLength());
    }

    [Fact]
    public async Task Same_postmortem_posted_to_both_replicas_at_once_makes_one_issue_per_item()
    {
        var jira = new FakeTracker();
        var settings = postgres.Settings(JiraRoute);
        await using var first = new WorkerFactory(settings, trackers: jira);
        await using var second = new WorkerFactory(settings, trackers: jira);
        await new IncidentsClient(first).AlertsAsync("g", Firing("a1", T0));
        var postmortem = PostmortemJson.Published().WithItems(12).ToString();

        var answers = new List<HttpResponseMessage>();
        for (var round = 0; round < 3; round++)
        {
            answers.AddRange(await Task.WhenAll(PostAsync(first, postmortem), PostAsync(second, postmortem)));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        await Eventually.UntilAsync(() => first.CountAsync("action_items", "sync_state = 'synced'"), synced => synced == 12, "the 12 items are synced");
        Assert.Equal(12, await second.CountAsync("action_items"));
        Assert.Equal(12, jira.Issues.Count);
        Assert.Equal(12, jira.CreateCalls);
    }

    private static Task<HttpResponseMessage> PostAsync(WorkerFactory worker, string postmortem) =>
        worker.CreateApiClient().PostAsync("/api/incidents/INC-2026-0001/postmortem", new StringContent(postmortem, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
}
