using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Reports;

public sealed class MetricsReportTests() : WorkerTests(new WorkerFactory())
{

    [Fact]
    public async Task Metrics_are_computed_from_the_incidents_of_the_period()
    {
        await ReportScenario.PostAsync(Incidents);
        // outside the period
        await ReportScenario.PageAsync(Incidents, "PC", T0.AddDays(3), "incident.triggered", T0.AddDays(3), "P1");

        var report = await ReportAsync("?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z");

        Assert.Equal(3, report.GetProperty("incidents").GetInt32());
        Assert.Equal(180, report.GetProperty("mttaSeconds").GetDouble());
        Assert.Equal(2700, report.GetProperty("mttrSeconds").GetDouble());
        Assert.Equal(4 * 3600, report.GetProperty("mtbfSeconds").GetDouble());
        Assert.Equal(2 * 3600, report.GetProperty("mtbfSecondsByService").GetProperty("payments").GetDouble());
        Assert.False(report.GetProperty("mtbfSecondsByService").TryGetProperty("checkout", out _));
        var bySeverity = report.GetProperty("incidentsBySeverity");
        Assert.Equal([1, 1, 1, 0], new[] { "SEV1", "SEV2", "SEV3", "SEV4" }.Select(s => bySeverity.GetProperty(s).GetInt32()));
        Assert.Equal(2, report.GetProperty("incidentsByStatus").GetProperty("resolved").GetInt32());
        Assert.Equal(0, report.GetProperty("actionItemCompletionRate").GetDouble());
    }

    [Fact]
    public async Task Period_without_incidents_has_no_means()
    {
        var report = await ReportAsync("?from=2020-01-01&to=2020-02-01");

        Assert.Equal(0, report.GetProperty("incidents").GetInt32());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("mttrSeconds").ValueKind);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("mtbfSeconds").ValueKind);
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=soon", "to")]
    [InlineData("?from=2026-02-01&to=2026-01-01", "from")]
    public async Task Bad_period_is_400_naming_the_parameter(string query, string field) =>
        await (await Incidents.Api.GetAsync($"/api/reports/metrics{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, field);

    private async Task<JsonElement> ReportAsync(string query)
    {
        var response = await Incidents.Api.GetAsync($"/api/reports/metrics{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
