using IncidentBridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Reports;

/// <summary>
/// The last 30 days' incident figures on <c>/metrics</c> come from aggregate queries and agree with
/// <c>GET /api/reports/metrics</c> over the same window, on SQLite and PostgreSQL.
/// </summary>
public abstract class ReportGaugesTests(PostgresServer? postgres) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));
    private WorkerFactory _worker = null!;
    private IncidentsClient _incidents = null!;

    public Task InitializeAsync()
    {
        _worker = new WorkerFactory(postgres.Settings(), _time);
        _incidents = new IncidentsClient(_worker);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Gauges_show_the_reports_mtta_mttr_and_counts_of_the_last_30_days()
    {
        var a = T0.AddHours(2);
        await Page("PA", a, "incident.triggered", a, "P1");
        await Page("PA", a, "incident.acknowledged", a.AddMinutes(5), "P1");
        await Page("PA", a, "incident.resolved", a.AddMinutes(30), "P1");
        var b = T0.AddHours(4);
        await Page("PB", b, "incident.triggered", b, "P2");
        await Page("PB", b, "incident.acknowledged", b.AddMinutes(1), "P2");
        await Page("PB", b, "incident.resolved", b.AddMinutes(60), "P2");
        await _incidents.AlertsAsync("g", Firing("a1", T0.AddHours(10)));
        // Started 31 days before the clock: outside the window.
        await Page("PC", T0.AddDays(-30), "incident.triggered", T0.AddDays(-30), "P1");

        var metrics = await _worker.CreateClient().MetricsAsync();

        Assert.Equal(180, metrics.Sum("incidentbridge_mtta_seconds_last_30d"));
        Assert.Equal(2700, metrics.Sum("incidentbridge_mttr_seconds_last_30d"));
        Assert.Equal(3, metrics.Sum("incidentbridge_incidents_last_30d"));
        Assert.Equal(1, metrics.Sum("incidentbridge_incidents_last_30d", ("severity", "SEV1"), ("status", "resolved")));
        Assert.Equal(1, metrics.Sum("incidentbridge_incidents_last_30d", ("severity", "SEV3"), ("status", "triggered")));
    }

    private Task Page(string incident, DateTimeOffset createdAt, string type, DateTimeOffset at, string priority) =>
        _incidents.PageAsync(PagerDutyEvent.Of(type).ForIncident(incident).CreatedAt(createdAt).At(at).WithIncidentKey(null).OnService("payments").WithPriority(priority));

    public sealed class OnSqlite() : ReportGaugesTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : ReportGaugesTests(postgres);
}
