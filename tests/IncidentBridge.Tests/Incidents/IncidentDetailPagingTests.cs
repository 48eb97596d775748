using Dapper;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Incidents;

/// <summary>
/// An incident's detail is bounded however many alerts and timeline entries it has: the latest few, how many there
/// are, and links to page through them all. On both providers.
/// </summary>
public abstract class IncidentDetailPagingTests(PostgresServer? postgres) : WorkerTests(new WorkerFactory(postgres.Settings()))
{
    private const string Incident = "INC-2026-0001";
    private const int Many = 100_000;

    public override async Task InitializeAsync() => await Incidents.AlertsAsync("g1", Firing("a0", T0));

    public sealed class OnSqlite() : IncidentDetailPagingTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : IncidentDetailPagingTests(postgres);

    [Fact]
    public async Task Detail_of_an_incident_with_100000_alerts_and_entries_lists_the_latest_50_and_links_the_rest()
    {
        await AddAlertsAsync(Many);
        await AddTimelineAsync(Many);

        var detail = await Incidents.GetAsync(Incident);

        var alerts = detail.GetProperty("alerts").EnumerateArray().ToList();
        var timeline = detail.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(50, alerts.Count);
        Assert.Equal(50, timeline.Count);
        Assert.Equal($"fp{1_000_000 + Many}", alerts[^1].GetProperty("fingerprint").GetString());
        Assert.Equal($"entry {Many}", timeline[^1].GetProperty("message").GetString());
        Assert.Equal(Many + 1, detail.GetProperty("alertCount").GetInt64());
        Assert.True(detail.GetProperty("timelineCount").GetInt64() > Many);
        Assert.Equal($"/api/incidents/{Incident}/alerts", detail.GetProperty("links").GetProperty("alerts").GetString());
        Assert.Equal($"/api/incidents/{Incident}/timeline", detail.GetProperty("links").GetProperty("timeline").GetString());
    }

    [Fact]
    public async Task Alerts_page_latest_first_through_every_alert_once()
    {
        await AddAlertsAsync(6);

        var pages = await PagesAsync($"/api/incidents/{Incident}/alerts", limit: 3);

        var fingerprints = pages.SelectMany(p => p).Select(a => a.GetProperty("fingerprint").GetString()).ToList();
        Assert.Equal(["fp1000006", "fp1000005", "fp1000004", "fp1000003", "fp1000002", "fp1000001", "a0"], fingerprints);
        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
    }

    [Fact]
    public async Task Timeline_pages_latest_first_through_every_entry_once()
    {
        await AddTimelineAsync(5);
        var total = await Worker.CountAsync("incident_timeline", "incident_id = @Id", new { Id = Incident });

        var pages = await PagesAsync($"/api/incidents/{Incident}/timeline", limit: 2);

        var entries = pages.SelectMany(p => p).Select(e => e.GetProperty("message").GetString()).ToList();
        Assert.Equal(total, entries.Count);
        Assert.Equal(["entry 5", "entry 4", "entry 3", "entry 2", "entry 1"], entries.Take(5));
        Assert.Equal(entries.Count, entries.Distinct().Count());
    }

    [Theory]
    [InlineData("alerts")]
    [InlineData("timeline")]
    public async Task Paging_an_unknown_incident_is_404(string list) =>
        await (await Incidents.Api.GetAsync($"/api/incidents/INC-1999-0001/{list}")).AssertProblemAsync(HttpStatusCode.NotFound);

    [Theory]
    [InlineData("alerts", "?cursor=nonsense", "cursor")]
    [InlineData("timeline", "?cursor=12_x", "cursor")]
    [InlineData("timeline", "?limit=0", "limit")]
    public async Task Bad_paging_query_is_400_naming_the_parameter(string list, string query, string field) =>
        await (await Incidents.Api.GetAsync($"/api/incidents/{Incident}/{list}{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, field);

    private async Task<List<List<JsonElement>>> PagesAsync(string path, int limit)
    {
        var pages = new List<List<JsonElement>>();
        string? cursor = null;
        do
        {
            var page = await (await Incidents.Api.GetAsync($"{path}?limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"))).JsonAsync();
            pages.Add([.. page.GetProperty("items").EnumerateArray()]);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pages.Count < 100);

        return pages;
    }

    // Inserted directly: 100,000 deliveries through the webhook would test the inbox, not the detail.
    private async Task AddAlertsAsync(int count)
    {
        await using var connection = await Worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @Count)
            INSERT INTO incident_alerts (incident_id, fingerprint, group_key, status, starts_at, ends_at, labels, annotations, generator_url, updated_at)
            SELECT @Id, 'fp' || CAST(1000000 + i AS TEXT), 'g1', 'firing', @T0 + i, NULL, '{}', '{}', NULL, 0 FROM n
            """,
            new { Id = Incident, Count = count, T0 = T0.ToUnixTimeMilliseconds() });
    }

    private async Task AddTimelineAsync(int count)
    {
        await using var connection = await Worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @Count)
            INSERT INTO incident_timeline (incident_id, at, kind, message, actor, dedup_key)
            SELECT @Id, @T0 + 3600000 + i, 'note', 'entry ' || CAST(i AS TEXT), NULL, 'bulk-' || CAST(i AS TEXT) FROM n
            """,
            new { Id = Incident, Count = count, T0 = T0.ToUnixTimeMilliseconds() });
    }
}
