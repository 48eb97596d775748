using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Incidents;

/// <summary>The incidents API on both providers: <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.</summary>
public abstract class IncidentsApiTests(PostgresServer? postgres) : WorkerTests(new WorkerFactory(postgres.Settings()))
{
    public override async Task InitializeAsync()
    {
        await Incidents.AlertsAsync("g1", Firing("a1", T0).Severity("critical"));
        await Incidents.AlertsAsync("g2", Firing("b1", T0.AddMinutes(1)).Service("billing"));
        await Incidents.AlertsAsync("g3", Firing("c1", T0.AddMinutes(2)).Service("search"));
        await Incidents.AlertsAsync("g3", Firing("c1", T0.AddMinutes(2)).Service("search").Resolved(T0.AddMinutes(9)));
    }

    public sealed class OnSqlite() : IncidentsApiTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : IncidentsApiTests(postgres);

    [Theory]
    [InlineData("", new[] { "INC-2026-0003", "INC-2026-0002", "INC-2026-0001" })]
    [InlineData("?status=open", new[] { "INC-2026-0002", "INC-2026-0001" })]
    [InlineData("?status=resolved", new[] { "INC-2026-0003" })]
    [InlineData("?service=billing", new[] { "INC-2026-0002" })]
    [InlineData("?severity=SEV1", new[] { "INC-2026-0001" })]
    public async Task List_is_newest_first_and_filtered(string query, string[] expected)
    {
        var page = await (await Incidents.Api.GetAsync($"/api/incidents{query}")).JsonAsync();

        Assert.Equal(expected, page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task List_pages_with_a_cursor()
    {
        var first = await (await Incidents.Api.GetAsync("/api/incidents?limit=2")).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await Incidents.Api.GetAsync($"/api/incidents?limit=2&cursor={cursor}")).JsonAsync();

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal("INC-2026-0001", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Incident_shows_its_alerts_with_labels_and_links()
    {
        var incident = await Incidents.GetAsync("INC-2026-0001");

        var alert = Assert.Single(incident.GetProperty("alerts").EnumerateArray());
        Assert.Equal("critical", alert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("http://prometheus.local/graph", alert.GetProperty("generatorURL").GetString());
        Assert.Equal(T0, alert.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal("SEV1", incident.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Unknown_incident_is_404() =>
        await (await Incidents.Api.GetAsync("/api/incidents/INC-1999-0001")).AssertProblemAsync(HttpStatusCode.NotFound);

    [Theory]
    [InlineData("?status=closed", "status")]
    [InlineData("?severity=SEV9", "severity")]
    [InlineData("?limit=1000", "limit")]
    [InlineData("?cursor=-1", "cursor")]
    public async Task Bad_query_is_400_naming_the_parameter(string query, string field) =>
        await (await Incidents.Api.GetAsync($"/api/incidents{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, field);
}
