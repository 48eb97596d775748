using IncidentBridge.Tests.FollowUp.Email;

namespace IncidentBridge.Tests.FollowUp;

/// <summary>
/// The whole worker with a <see cref="FakeTimeProvider"/> clock, a fake Jira (<see cref="FakeTracker"/>) and a real SMTP
/// server (<see cref="SmtpServerProcess"/>), for tests that walk follow-ups through simulated days and weeks. Jobs run
/// when the test says (<c>POST /api/jobs/{name}/run</c>). The clock starts on <see cref="Monday"/>, the digest's cron.
/// </summary>
internal sealed class FollowUpWorld : IAsyncDisposable
{
    /// <summary>Monday 2026-11-23 09:00 UTC (ISO week 2026-W48): the digest's default cron, in its default zone.</summary>
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private int _mailsSeen;

    private FollowUpWorld(FakeTimeProvider time, FakeTracker jira, SmtpServerProcess smtp, WorkerFactory worker)
    {
        Time = time;
        Jira = jira;
        Smtp = smtp;
        Worker = worker;
        Api = worker.CreateApiClient();
        Incidents = new IncidentsClient(worker);
    }

    public FakeTimeProvider Time { get; }

    public FakeTracker Jira { get; }

    public SmtpServerProcess Smtp { get; }

    public WorkerFactory Worker { get; }

    public HttpClient Api { get; }

    public IncidentsClient Incidents { get; }

    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    /// <summary>Starts the world; <paramref name="settings"/> add to (or override) tracker, routing and SMTP settings.</summary>
    public static async Task<FollowUpWorld> StartAsync(PostgresServer? postgres, IReadOnlyDictionary<string, string?> settings)
    {
        var time = new FakeTimeProvider(Monday);
        var jira = new FakeTracker("Jira", time);
        var smtp = await SmtpServerProcess.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["IncidentBridge:Routing:Default:Tracker"] = "Jira",
            ["IncidentBridge:Routing:Default:Project"] = "PAY",
            ["IncidentBridge:Email:Smtp:Host"] = "127.0.0.1",
            ["IncidentBridge:Email:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["IncidentBridge:Email:Smtp:UseStartTls"] = "false",
            ["IncidentBridge:Email:Smtp:From"] = "incidentbridge@acme.example",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new FollowUpWorld(time, jira, smtp, new WorkerFactory(postgres.Settings(all), time, trackers: jira));
    }

    /// <summary>Posts the incident's postmortem; a published one's items are waited for until each has its issue.</summary>
    public async Task PublishAsync(string incidentId, PostmortemJson postmortem)
    {
        var response = await Api.PostAsync($"/api/incidents/{incidentId}/postmortem", new StringContent(postmortem.ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var document = JsonDocument.Parse(postmortem.ToString()).RootElement;
        if (document.GetProperty("status").GetString() != "published")
        {
            return;
        }

        var postmortemId = "PM-" + incidentId["INC-".Length..];
        var count = document.GetProperty("actionItems").GetArrayLength();
        await Eventually.UntilAsync(
            ItemsAsync,
            items => items.Count(i => i.GetProperty("postmortemId").GetString() == postmortemId && i.GetProperty("syncState").GetString() == "synced") == count,
            $"the items of {postmortemId} have issues");
    }

    public async Task<JsonElement> RunAsync(string job, bool force = false)
    {
        var response = await Api.PostAsync($"/api/jobs/{job}/run{(force ? "?force=true" : "")}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    public async Task<IReadOnlyList<JsonElement>> ItemsAsync() =>
        (await (await Api.GetAsync("/api/action-items")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();

    public async Task<JsonElement> ItemAsync(string description) =>
        (await ItemsAsync()).Single(i => i.GetProperty("description").GetString() == description);

    /// <summary>The issue the tracker holds for the item with this description.</summary>
    public FakeTracker.FakeIssue Issue(string description) => Jira.All.Single(i => i.Request.Content.Description == description);

    public string Key(string description) => Issue(description).Key;

    /// <summary>The mails received since the last call, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> NewMails()
    {
        var all = Smtp.Received();
        var fresh = all.Skip(_mailsSeen).ToList();
        _mailsSeen = all.Count;
        return fresh;
    }

    /// <summary>The value of an unlabelled series on <c>/metrics</c> (as a scrape sees it now); 0 when it is not there.</summary>
    public async Task<double> GaugeAsync(string series)
    {
        using var client = Worker.CreateClient();
        var exposition = await client.GetStringAsync("/metrics");
        return exposition.Split('\n').FirstOrDefault(line => line.StartsWith(series + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture)
            : 0;
    }

    public async Task<IReadOnlyList<JsonElement>> TimelineAsync(string incidentId) =>
        (await Incidents.GetAsync(incidentId)).GetProperty("timeline").EnumerateArray().ToList();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Worker.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// A test class whose every test runs in a <see cref="FollowUpWorld"/> of its own, started with the class's
/// <c>settings</c> on SQLite or on PostgreSQL, and disposed after the test.
/// </summary>
public abstract class FollowUpWorldTests(PostgresServer? postgres, IReadOnlyDictionary<string, string?> settings) : IAsyncLifetime
{
    private protected FollowUpWorld World { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        World = await FollowUpWorld.StartAsync(postgres, settings);
        await StartedAsync();
    }

    public async Task DisposeAsync() => await World.DisposeAsync();

    /// <summary>What every test of the class starts from (its incidents), once the world is up.</summary>
    private protected abstract Task StartedAsync();
}
