namespace IncidentBridge.Tests.Operations;

public sealed class OperationsTests : IAsyncLifetime
{
    private readonly WorkerFactory _worker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var response = await _worker.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_fails_when_storage_is_unreachable()
    {
        var client = _worker.CreateClient();
        await client.GetAsync("/healthz");
        Directory.Delete(_worker.Directory, recursive: true);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_count_deliveries_by_source_and_outcome_and_show_the_inbox()
    {
        var client = _worker.CreateClient();
        var deliveryId = await (await client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString())).DeliveryIdAsync();
        await client.PostAlertmanagerAsync("{}", token: "wrong");
        await Deliveries.ProcessedAsync(_worker.CreateApiClient(), deliveryId);

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Contains("incidentbridge_webhook_deliveries_total{source=\"alertmanager\",outcome=\"accepted\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_webhook_deliveries_total{source=\"alertmanager\",outcome=\"unauthorized\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_inbox_processed_total{source=\"alertmanager\",outcome=\"done\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_inbox_depth 0", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_inbox_processing_lag_seconds_count{source=\"alertmanager\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_route_is_a_problem_json_404()
    {
        var response = await _worker.CreateClient().GetAsync("/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
