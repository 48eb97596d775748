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
        await ReportScenario.PostAsync(_incidents);
        // Started 31 days before the clock: outside the window.
        await ReportScenario.PageAsync(_incidents, "PC", T0.AddDays(-30), "incident.triggered", T0.AddDays(-30), "P1");

        var metrics = await _worker.CreateClient().MetricsAsync();

        Assert.Equal(180, metrics.Sum("incidentbridge_mtta_seconds_last_30d"));
        Assert.Equal(2700, metrics.Sum("incidentbridge_mttr_seconds_last_30d"));
        Assert.Equal(3, metrics.Sum("incidentbridge_incidents_last_30d"));
        Assert.Equal(1, metrics.Sum("incidentbridge_incidents_last_30d", ("severity", "SEV1"), ("status", "resolved")));
        Assert.Equal(1, metrics.Sum("incidentbridge_incidents_last_30d", ("severity", "SEV3"), ("status", "triggered")));
    }

    public sealed class OnSqlite() : ReportGaugesTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : ReportGaugesTests(postgres);
}
