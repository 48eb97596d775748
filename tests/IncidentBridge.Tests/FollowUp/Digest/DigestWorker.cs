using Dapper;
using IncidentBridge.FollowUp.Scheduling;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace IncidentBridge.Tests.FollowUp.Digest;

/// <summary>
/// The whole worker (<see cref="WorkerFactory"/>) set up for the overdue digest: one incident, a fake Jira, SMTP on
/// 127.0.0.1:<c>smtpPort</c>, owners who are e-mail addresses (no <c>Owners</c> entries needed), and a clock that starts
/// on <see cref="Published"/>. <c>services</c> replaces the worker's own (e.g. the SMTP seam) for the whole host.
/// </summary>
internal sealed class DigestWorker : IAsyncDisposable
{
    /// <summary>A Monday, 09:00 UTC: the digest's default cron, in its default zone.</summary>
    public static readonly DateTimeOffset Published = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Before <see cref="Published"/>, so past due from the start.</summary>
    public const string PastDue = "2026-11-20";

    private readonly WorkerFactory _factory;
    private readonly WebApplicationFactory<Program> _host;

    private DigestWorker(WorkerFactory factory, WebApplicationFactory<Program> host, FakeTimeProvider time)
    {
        _factory = factory;
        _host = host;
        Time = time;
        Api = host.CreateClient();
        Api.DefaultRequestHeaders.Authorization = new("Bearer", WorkerFactory.ApiToken);
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Api { get; }

    public JobRunner Runner => _host.Services.GetRequiredService<JobRunner>();

    /// <summary>The digest job itself, without the runner's one-run-at-a-time: what a second replica's run is to this one.</summary>
    public IFollowUpJob Job => _host.Services.GetServices<IFollowUpJob>().Single(j => j.Name == OverdueDigestJob.JobName);

    /// <summary>The ISO week the digest is in now (UTC, its default zone), as <c>digest_sends.period</c> names it.</summary>
    public string Period
    {
        get
        {
            var today = Time.GetUtcNow().UtcDateTime.Date;
            return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(today)}-W{ISOWeek.GetWeekOfYear(today):00}");
        }
    }

    public static async Task<DigestWorker> StartAsync(PostgresServer? postgres, int smtpPort, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(Published);
        var all = new Dictionary<string, string?>
        {
            ["IncidentBridge:Routing:Default:Tracker"] = "Jira",
            ["IncidentBridge:Routing:Default:Project"] = "PAY",
            ["IncidentBridge:Email:Smtp:Host"] = "127.0.0.1",
            ["IncidentBridge:Email:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["IncidentBridge:Email:Smtp:UseStartTls"] = "false",
            ["IncidentBridge:Email:Smtp:From"] = "incidentbridge@acme.example",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new WorkerFactory(postgres.Settings(all), time, trackers: new FakeTracker());
        // A derived factory runs the base's ConfigureWebHost first, then this; the base disposes it with itself.
        var host = services is null ? factory : factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services));
        var worker = new DigestWorker(factory, host, time);
        try
        {
            var webhooks = host.CreateClient();
            var delivery = await (await webhooks.PostAlertmanagerAsync(TestAlert.Notification("g", TestAlert.Firing("a1", Published.AddHours(-2))))).DeliveryIdAsync();
            await Deliveries.ProcessedAsync(worker.Api, delivery);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Publishes the incident's postmortem with one item per (owner, due date) and waits until each has its issue.</summary>
    public async Task PublishAsync(IEnumerable<(string Owner, string DueDate)> items)
    {
        var postmortem = PostmortemJson.Published();
        var count = 0;
        foreach (var (owner, due) in items)
        {
            count++;
            postmortem.WithItem($"{count}", $"Follow-up {count} of {owner}", owner, dueDate: due);
        }

        var response = await Api.PostAsync("/api/incidents/INC-2026-0001/postmortem", new StringContent(postmortem.ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Eventually.UntilAsync(
            async () => (await (await Api.GetAsync("/api/action-items")).JsonAsync()).GetProperty("items").EnumerateArray().ToList(),
            listed => listed.Count == count && listed.All(i => i.GetProperty("syncState").GetString() == "synced"),
            "the items have issues");
    }

    /// <summary>Every owner's item overdue since before <see cref="Published"/>; then the clock moves on a week, to the next Monday's digest.</summary>
    public async Task PublishOverdueAndGoToNextMondayAsync(IEnumerable<string> owners)
    {
        await PublishAsync(owners.Select(o => (o, PastDue)));
        Time.Advance(TimeSpan.FromDays(7));
    }

    public async Task<JobResult> RunAsync(bool catchUp = false, bool force = false, CancellationToken cancellationToken = default) =>
        await Runner.RunNowAsync(OverdueDigestJob.JobName, new JobRunOptions(force, catchUp), cancellationToken)
        ?? throw new InvalidOperationException("the digest job is missing");

    /// <summary>This week's <c>digest_sends</c> rows.</summary>
    public async Task<IReadOnlyList<DigestRow>> RowsAsync()
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string Owner, long? SentAt, string? ClaimToken, long? ClaimedUntil, long Sends)>(
            "SELECT owner, sent_at, claim_token, claimed_until, sends FROM digest_sends WHERE period = @Period ORDER BY owner", new { Period });
        return [.. rows.Select(r => new DigestRow(r.Owner, r.SentAt, r.ClaimToken, r.ClaimedUntil, r.Sends))];
    }

    public async Task<IReadOnlySet<string>> SentThisWeekAsync() =>
        (await RowsAsync()).Where(r => r.SentAt is not null).Select(r => r.Owner).ToHashSet(StringComparer.Ordinal);

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _factory.DisposeAsync();
    }

    private IDatabase Database => _host.Services.GetRequiredService<IDatabase>();
}

internal sealed record DigestRow(string Owner, long? SentAt, string? ClaimToken, long? ClaimedUntil, long Sends);
