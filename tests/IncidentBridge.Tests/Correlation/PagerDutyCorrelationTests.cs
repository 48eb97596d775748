using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Correlation;

/// <summary>PagerDuty pages into incidents, on both providers: <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.</summary>
public abstract class PagerDutyCorrelationTests(PostgresServer? postgres) : WorkerTests(new WorkerFactory(postgres.Settings()))
{

    [Fact]
    public async Task Triggered_acknowledged_resolved_follow_the_pagerduty_incident()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0));
        await Incidents.PageAsync(Event("incident.acknowledged", T0.AddMinutes(3)).By("Alice On-call"));

        var acknowledged = await Incidents.SingleAsync();
        await Incidents.PageAsync(Event("incident.resolved", T0.AddMinutes(40)));
        var resolved = await Incidents.SingleAsync();

        Assert.Equal("acknowledged", acknowledged.GetProperty("status").GetString());
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal(T0, resolved.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(T0.AddMinutes(3), resolved.GetProperty("acknowledgedAt").GetDateTimeOffset());
        Assert.Equal(T0.AddMinutes(40), resolved.GetProperty("resolvedAt").GetDateTimeOffset());
        var ack = Timeline(resolved).Single(t => t.GetProperty("kind").GetString() == "acknowledged");
        Assert.Equal("Alice On-call", ack.GetProperty("actor").GetString());
        var source = Assert.Single(resolved.GetProperty("sources").EnumerateArray());
        Assert.Equal("https://acme.pagerduty.com/incidents/PINC1", source.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Late_acknowledgement_after_resolve_does_not_reopen_but_counts_for_mtta()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0));
        await Incidents.PageAsync(Event("incident.resolved", T0.AddMinutes(30)));

        await Incidents.PageAsync(Event("incident.acknowledged", T0.AddMinutes(2)));

        var incident = await Incidents.SingleAsync();
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(2), incident.GetProperty("acknowledgedAt").GetDateTimeOffset());
        Assert.Equal(
            ["opened", "pagerduty", "acknowledged", "pagerduty", "resolved"],
            Timeline(incident).Select(t => t.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Resolve_arriving_before_trigger_still_ends_resolved()
    {
        await Incidents.PageAsync(Event("incident.resolved", T0.AddMinutes(10)).CreatedAt(T0));
        await Incidents.PageAsync(Event("incident.triggered", T0));

        var incident = await Incidents.SingleAsync();
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal(T0, incident.GetProperty("startedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Reopened_incident_is_triggered_again()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0));
        await Incidents.PageAsync(Event("incident.resolved", T0.AddMinutes(10)));

        await Incidents.PageAsync(Event("incident.reopened", T0.AddMinutes(15)));

        var incident = await Incidents.SingleAsync();
        Assert.Equal("triggered", incident.GetProperty("status").GetString());
        Assert.Contains(Timeline(incident), t => t.GetProperty("kind").GetString() == "reopened");
    }

    [Fact]
    public async Task Unacknowledged_incident_returns_to_triggered()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0));
        await Incidents.PageAsync(Event("incident.acknowledged", T0.AddMinutes(1)));

        await Incidents.PageAsync(Event("incident.unacknowledged", T0.AddMinutes(31)));

        Assert.Equal("triggered", (await Incidents.SingleAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Duplicate_event_adds_nothing_to_the_timeline()
    {
        var triggered = Event("incident.triggered", T0);
        await Incidents.PageAsync(triggered);

        await Worker.CreateClient().PostPagerDutyAsync(triggered.ToString());

        Assert.Equal(2, Timeline(await Incidents.SingleAsync()).Count);
    }

    [Theory]
    [InlineData("P1", "high", "SEV1")]
    [InlineData("P3", "high", "SEV3")]
    [InlineData(null, "low", "SEV4")]
    [InlineData(null, "high", "SEV2")]
    public async Task Severity_comes_from_priority_or_urgency(string? priority, string urgency, string expected)
    {
        await Incidents.PageAsync(Event("incident.triggered", T0).WithPriority(null, "low"));

        await Incidents.PageAsync(Event("incident.priority_updated", T0.AddMinutes(1)).WithPriority(priority, urgency));

        Assert.Equal(expected, (await Incidents.SingleAsync()).GetProperty("severity").GetString());
    }

    [Theory]
    [InlineData("incident.escalated", "escalated")]
    [InlineData("incident.reassigned", "reassigned")]
    [InlineData("incident.priority_updated", "priority_updated")]
    public async Task Lifecycle_events_are_timeline_entries(string eventType, string kind)
    {
        await Incidents.PageAsync(Event("incident.triggered", T0));

        await Incidents.PageAsync(Event(eventType, T0.AddMinutes(5)));

        Assert.Contains(Timeline(await Incidents.SingleAsync()), t => t.GetProperty("kind").GetString() == kind);
    }

    [Fact]
    public async Task Note_is_added_to_the_timeline()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0));

        await Incidents.PageAsync(Event("incident.annotated", T0.AddMinutes(4)).WithNote("Rolled back deploy 42"));

        var note = Timeline(await Incidents.SingleAsync()).Single(t => t.GetProperty("kind").GetString() == "annotated");
        Assert.Contains("Rolled back deploy 42", note.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_with_the_group_key_as_incident_key_joins_the_alertmanager_incident()
    {
        const string groupKey = "{}:{alertname=\"HighErrorRate\"}";
        await Incidents.AlertsAsync(groupKey, Firing("a1", T0));

        await Incidents.PageAsync(Event("incident.triggered", T0.AddMinutes(1)).WithIncidentKey(groupKey));
        await Incidents.PageAsync(Event("incident.acknowledged", T0.AddMinutes(4)));

        var incident = await Incidents.SingleAsync();
        Assert.Equal("acknowledged", incident.GetProperty("status").GetString());
        Assert.Equal(["alertmanager", "pagerduty"], incident.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Contains(Timeline(incident), t => t.GetProperty("kind").GetString() == "linked");
    }

    [Fact]
    public async Task Page_from_alertmanagers_own_pagerduty_integration_joins_the_alertmanager_incident()
    {
        // Alertmanager's PagerDuty receiver sends dedup_key = SHA-256 of the group key, lower-case hex (its notify/pagerduty).
        const string groupKey = "{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\"}";
        var dedupKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(groupKey)));
        await Incidents.AlertsAsync(groupKey, Firing("a1", T0));

        await Incidents.PageAsync(Event("incident.triggered", T0.AddMinutes(1)).WithIncidentKey(dedupKey));

        var incident = await Incidents.SingleAsync();
        Assert.Equal(["alertmanager", "pagerduty"], incident.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Page_keyed_by_a_group_that_only_repeated_another_groups_alert_joins_the_incident_holding_it()
    {
        // One alert routed to two receivers: the second group's copy changes nothing, but its group key leads to the incident.
        const string first = "{}/{team=\"payments\"}:{alertname=\"HighErrorRate\"}";
        const string second = "{}/{team=\"sre\"}:{alertname=\"HighErrorRate\"}";
        await Incidents.AlertsAsync(first, Firing("a1", T0));
        await Incidents.AlertsAsync(second, Firing("a1", T0));

        await Incidents.PageAsync(Event("incident.triggered", T0.AddMinutes(1)).WithIncidentKey(IncidentBridge.Correlation.CorrelationKey.PagerDutyDedupKey(second)));

        var incident = await Incidents.SingleAsync();
        Assert.Equal(["alertmanager", "alertmanager", "pagerduty"], incident.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Page_with_an_alert_fingerprint_as_incident_key_joins_that_incident()
    {
        await Incidents.AlertsAsync("g", Firing("4f3c2a1b0e9d8c7b", T0));

        await Incidents.PageAsync(Event("incident.triggered", T0.AddMinutes(1)).WithIncidentKey("4f3c2a1b0e9d8c7b"));

        Assert.Equal(2, (await Incidents.SingleAsync()).GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task Mixed_incident_resolves_when_both_alerts_and_page_are_resolved()
    {
        const string groupKey = "{}:{alertname=\"HighErrorRate\"}";
        await Incidents.AlertsAsync(groupKey, Firing("a1", T0));
        await Incidents.PageAsync(Event("incident.triggered", T0.AddMinutes(1)).WithIncidentKey(groupKey));

        await Incidents.AlertsAsync(groupKey, Firing("a1", T0).Resolved(T0.AddMinutes(10)));
        var afterAlerts = await Incidents.SingleAsync();
        await Incidents.PageAsync(Event("incident.resolved", T0.AddMinutes(12)));
        var afterPage = await Incidents.SingleAsync();

        Assert.Equal("triggered", afterAlerts.GetProperty("status").GetString());
        Assert.Equal("resolved", afterPage.GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(12), afterPage.GetProperty("resolvedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Unrelated_page_opens_its_own_incident()
    {
        await Incidents.AlertsAsync("g", Firing("a1", T0));

        await Incidents.PageAsync(Event("incident.triggered", T0.AddMinutes(1)).WithIncidentKey("something-else").OnService("Payments"));

        var all = await Incidents.AllAsync();
        Assert.Equal(2, all.Count);
        Assert.Equal("Payments", all[1].GetProperty("service").GetString());
        Assert.Equal("A little bump in the road", all[1].GetProperty("title").GetString());
    }

    [Fact]
    public async Task PagerDuty_only_incident_is_routed_by_its_pagerduty_team()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0).WithIncidentKey("no-alert-has-this").OnService("Payments API").OfTeam("Payments SRE"));

        var labels = (await Incidents.SingleAsync()).GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString() ?? "");
        Assert.Equal("Payments SRE", labels["team"]);
        var router = new IncidentBridge.ActionItems.ActionItemRouter(Microsoft.Extensions.Options.Options.Create(new IncidentBridge.ActionItems.RoutingOptions
        {
            Rules = [new() { Match = new(StringComparer.OrdinalIgnoreCase) { ["team"] = "payments sre" }, Tracker = "Jira", Project = "PAY" }],
            Default = new() { Tracker = "Jira", Project = "OPS" },
        }));
        Assert.Equal("PAY", router.Route(labels)?.Project);
    }

    [Fact]
    public async Task Page_without_teams_adds_no_team_label()
    {
        await Incidents.PageAsync(Event("incident.triggered", T0).WithIncidentKey("no-alert-has-this"));

        Assert.False((await Incidents.SingleAsync()).GetProperty("labels").TryGetProperty("team", out _));
    }

    public sealed class OnSqlite() : PagerDutyCorrelationTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : PagerDutyCorrelationTests(postgres);

    private static PagerDutyEvent Event(string type, DateTimeOffset at) =>
        PagerDutyEvent.Of(type).ForIncident("PINC1").At(at).CreatedAt(T0).WithIncidentKey(null);

    private static List<JsonElement> Timeline(JsonElement incident) => incident.GetProperty("timeline").EnumerateArray().ToList();
}
