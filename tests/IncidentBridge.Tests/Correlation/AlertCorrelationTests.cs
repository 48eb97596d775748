using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Correlation;

/// <summary>
/// Alertmanager notifications in, incidents out, over the real pipeline. Each case lists the
/// notifications in order and the incidents a person would draw: their alerts (by fingerprint) and status.
/// Defaults: Window 30 min, ReopenWindow 1 h, keys service + cluster. On both providers:
/// <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same cases.
/// </summary>
public abstract class AlertCorrelationTests(PostgresServer? postgres)
{
    private const string G1 = "{}:{alertname=\"HighErrorRate\", service=\"checkout\"}";
    private const string G2 = "{}:{alertname=\"HighLatency\", service=\"checkout\"}";
    private const string G3 = "{}:{alertname=\"DiskFull\", service=\"billing\"}";

    public static TheoryData<CorrelationCase> Cases => new()
    {
        new("Alerts of one group key form one incident, however far apart while it is open",
            [new(G1, Firing("a1", T0)), new(G1, Firing("a1", T0), Firing("a2", T0.AddHours(3)))],
            [Incident("triggered", "a1", "a2")]),
        new("Same service and cluster within the window join the open incident",
            [new(G1, Firing("a1", T0)), new(G2, Firing("b1", T0.AddMinutes(20)))],
            [Incident("triggered", "a1", "b1")]),
        new("Same service and cluster after the window open a new incident",
            [new(G1, Firing("a1", T0)), new(G2, Firing("b1", T0.AddMinutes(45)))],
            [Incident("triggered", "a1"), Incident("triggered", "b1")]),
        new("Another service opens its own incident",
            [new(G1, Firing("a1", T0)), new(G3, Firing("c1", T0.AddMinutes(1)).Service("billing"))],
            [Incident("triggered", "a1"), Incident("triggered", "c1")]),
        new("Another cluster of the same service opens its own incident",
            [new(G1, Firing("a1", T0)), new(G2, Firing("b1", T0.AddMinutes(1)).With("cluster", "us-2"))],
            [Incident("triggered", "a1"), Incident("triggered", "b1")]),
        new("The incident resolves only when all its alerts have resolved",
            [new(G1, Firing("a1", T0), Firing("a2", T0)), new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5)), Firing("a2", T0))],
            [Incident("triggered", "a1", "a2")]),
        new("Resolving every alert resolves the incident",
            [new(G1, Firing("a1", T0), Firing("a2", T0)), new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5))), new(G1, Firing("a2", T0).Resolved(T0.AddMinutes(9)))],
            [Incident("resolved", "a1", "a2")]),
        new("Flapping within the reopen window reopens the same incident",
            [new(G1, Firing("a1", T0)), new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5))), new(G1, Firing("a1", T0.AddMinutes(20)))],
            [Incident("triggered", "a1")]),
        new("Firing again after the reopen window opens a new incident",
            [new(G1, Firing("a1", T0)), new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5))), new(G1, Firing("a1", T0.AddHours(2)))],
            [Incident("resolved", "a1"), Incident("triggered", "a1")]),
        new("A late firing of an alert already resolved changes nothing",
            [new(G1, Firing("a1", T0)), new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5))), new(G1, Firing("a1", T0))],
            [Incident("resolved", "a1")]),
        new("A resolve for an alert never seen firing opens nothing",
            [new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5)))],
            []),
        new("A resolve that arrived before its firing closes the firing when it comes (a retried delivery)",
            [new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5))), new(G1, Firing("a1", T0), Firing("a2", T0.AddMinutes(1)))],
            [Incident("triggered", "a1", "a2")]),
        new("A resolve that arrived before its only firing leaves the incident resolved",
            [new(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5))), new(G1, Firing("a1", T0))],
            [Incident("resolved", "a1")]),
        new("A group key linked to an older incident by an alert it holds still leads to its newest incident",
            [
                new(G3, Firing("z1", T0.AddHours(3)).Service("billing")),
                new(G1, Firing("y1", T0)),
                new(G1, Firing("y1", T0).Resolved(T0.AddMinutes(5))),
                new(G1, Firing("z1", T0.AddHours(3)).Service("billing"), Firing("w1", T0.AddHours(3))),
            ],
            [Incident("triggered", "z1"), Incident("resolved", "y1"), Incident("triggered", "w1")]),
        new("An alert without correlation labels correlates by group key only",
            [new(G1, Firing("a1", T0).With("service", "").With("cluster", "")), new(G2, Firing("b1", T0.AddMinutes(1)).With("service", "").With("cluster", ""))],
            [Incident("triggered", "a1"), Incident("triggered", "b1")]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Alerts_become_the_incidents_a_person_would_draw(CorrelationCase scenario)
    {
        await using var worker = new WorkerFactory(postgres.Settings(), new FakeTimeProvider(T0.AddDays(1)));
        var incidents = new IncidentsClient(worker);

        foreach (var step in scenario.Steps)
        {
            await incidents.AlertsAsync(step.GroupKey, step.Alerts);
        }

        var actual = (await incidents.AllAsync())
            .Select(i => (Status: i.GetProperty("status").GetString(), Alerts: i.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("fingerprint").GetString()).Order().ToArray()))
            .ToList();
        Assert.Equal(scenario.Expected.Select(e => (e.Status, e.Fingerprints)).ToList(), actual.Select(a => (a.Status ?? "", a.Alerts.OfType<string>().ToArray())).ToList(), new IncidentComparer());
    }

    [Fact]
    public async Task Flapping_alert_adds_a_reopened_entry_and_clears_the_resolution()
    {
        await using var worker = new WorkerFactory(postgres.Settings());
        var incidents = new IncidentsClient(worker);
        await incidents.AlertsAsync(G1, Firing("a1", T0));
        await incidents.AlertsAsync(G1, Firing("a1", T0).Resolved(T0.AddMinutes(5)));

        await incidents.AlertsAsync(G1, Firing("a1", T0.AddMinutes(20)));

        var incident = await incidents.SingleAsync();
        var kinds = incident.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["opened", "alert_firing", "alert_resolved", "resolved", "reopened", "alert_firing"], kinds);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, incident.GetProperty("resolvedAt").ValueKind);
    }

    [Fact]
    public async Task Resolved_incident_records_when_the_last_alert_ended()
    {
        await using var worker = new WorkerFactory(postgres.Settings());
        var incidents = new IncidentsClient(worker);
        await incidents.AlertsAsync(G1, Firing("a1", T0), Firing("a2", T0.AddMinutes(1)));

        await incidents.AlertsAsync(G1, Firing("a1", T0).Resolved(T0.AddMinutes(7)), Firing("a2", T0.AddMinutes(1)).Resolved(T0.AddMinutes(12)));

        var incident = await incidents.SingleAsync();
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal(T0, incident.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(T0.AddMinutes(12), incident.GetProperty("resolvedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Repeat_notifications_add_no_second_alert_or_timeline_entry()
    {
        await using var worker = new WorkerFactory(postgres.Settings());
        var incidents = new IncidentsClient(worker);

        for (var repeat = 0; repeat < 3; repeat++)
        {
            await incidents.AlertsAsync(G1, Firing("a1", T0), Firing("a2", T0));
        }

        var incident = await incidents.SingleAsync();
        Assert.Equal(2, incident.GetProperty("alerts").GetArrayLength());
        Assert.Equal(3, incident.GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task A_notification_of_hundreds_of_alerts_is_recorded_whole_and_in_order()
    {
        // More rows than one multi-row statement takes (the notification's alert states and timeline are written together).
        await using var worker = new WorkerFactory(postgres.Settings());
        var incidents = new IncidentsClient(worker);
        var alerts = Enumerable.Range(0, 130).Select(i => Firing($"a{i:000}", T0.AddSeconds(i))).ToArray();

        await incidents.AlertsAsync(G1, alerts);
        await incidents.AlertsAsync(G1, [.. alerts.Select((a, i) => a.Resolved(T0.AddMinutes(10).AddSeconds(i)))]);

        var incident = await incidents.SingleAsync();
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(10).AddSeconds(129), incident.GetProperty("resolvedAt").GetDateTimeOffset());
        Assert.Equal(130, incident.GetProperty("alertCount").GetInt64());
        Assert.Equal(1 + 130 + 130 + 1, incident.GetProperty("timelineCount").GetInt64());
        var latest = incident.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("message").GetString()).TakeLast(3).ToList();
        Assert.Equal(["HighErrorRate [a128] resolved", "HighErrorRate [a129] resolved", "Resolved: all alerts resolved"], latest);
    }

    [Theory]
    [InlineData("warning", "critical", "SEV1")]
    [InlineData("critical", "info", "SEV1")]
    [InlineData("info", "error", "SEV2")]
    [InlineData("info", "info", "SEV4")]
    [InlineData("high", "warning", "SEV2")]
    public async Task Highest_severity_seen_wins(string first, string second, string expected)
    {
        await using var worker = new WorkerFactory(postgres.Settings());
        var incidents = new IncidentsClient(worker);

        await incidents.AlertsAsync(G1, Firing("a1", T0).Severity(first));
        await incidents.AlertsAsync(G1, Firing("a1", T0).Severity(first), Firing("a2", T0.AddMinutes(1)).Severity(second));

        Assert.Equal(expected, (await incidents.SingleAsync()).GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Incident_carries_title_service_ids_and_sources()
    {
        await using var worker = new WorkerFactory(postgres.Settings());
        var incidents = new IncidentsClient(worker);

        await incidents.AlertsAsync(G1, Firing("a1", T0));
        await incidents.AlertsAsync(G3, Firing("c1", T0).Service("billing"));

        var all = await incidents.AllAsync();
        Assert.Equal(["INC-2026-0001", "INC-2026-0002"], all.Select(i => i.GetProperty("id").GetString()));
        var first = all[0];
        Assert.Equal("HighErrorRate on checkout", first.GetProperty("title").GetString());
        Assert.Equal("checkout", first.GetProperty("service").GetString());
        var source = Assert.Single(first.GetProperty("sources").EnumerateArray());
        Assert.Equal(G1, source.GetProperty("key").GetString());
        Assert.Equal("alertmanager", source.GetProperty("kind").GetString());
    }

    public sealed class OnSqlite() : AlertCorrelationTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : AlertCorrelationTests(postgres);

    private static ExpectedIncident Incident(string status, params string[] fingerprints) => new(status, fingerprints);

    public sealed record Step(string GroupKey, params TestAlert[] Alerts);

    public sealed record ExpectedIncident(string Status, string[] Fingerprints);

    public sealed record CorrelationCase(string Name, Step[] Steps, ExpectedIncident[] Expected)
    {
        public override string ToString() => Name;
    }

    private sealed class IncidentComparer : IEqualityComparer<List<(string Status, string[] Fingerprints)>>
    {
        public bool Equals(List<(string Status, string[] Fingerprints)>? x, List<(string Status, string[] Fingerprints)>? y) =>
            x is not null && y is not null && x.Count == y.Count && x.Zip(y).All(p => p.First.Status == p.Second.Status && p.First.Fingerprints.SequenceEqual(p.Second.Fingerprints));

        public int GetHashCode(List<(string Status, string[] Fingerprints)> obj) => obj.Count;
    }
}
