namespace IncidentBridge.Tests.Ingest;

public sealed class DisabledWebhookTests : IAsyncLifetime
{
    private readonly WorkerFactory _worker = new(new Dictionary<string, string?>
    {
        ["IncidentBridge:Sources:Alertmanager:BearerTokens:0"] = null,
        ["IncidentBridge:Sources:PagerDuty:SigningSecrets:0"] = null,
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Alertmanager_endpoint_without_tokens_is_404() =>
        await (await _worker.CreateClient().PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString(), token: ""))
            .AssertProblemAsync(HttpStatusCode.NotFound);

    [Fact]
    public async Task PagerDuty_endpoint_without_secrets_is_404()
    {
        var body = PagerDutyEvent.Of("incident.triggered").ToString();

        await (await _worker.CreateClient().PostPagerDutyAsync(body, PagerDutyEvent.Sign(body, "")))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
