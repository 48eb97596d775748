using System.Security.Cryptography;

namespace IncidentBridge.Tests.Ingest;

/// <summary>
/// <c>POST /webhooks/grafana</c>: Grafana Alerting's webhook contact point. The bodies are shaped after the example in
/// Grafana's documentation (<see cref="GrafanaWebhook"/>, source URL there). Answered and correlated exactly as
/// Alertmanager's notifications are; its group keys show in the incident's sources as <c>grafana</c>.
/// </summary>
public sealed class GrafanaWebhookTests() : WorkerTests(new WorkerFactory(Settings))
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["IncidentBridge:Sources:Grafana:BearerTokens:1"] = "grafana-token-next",
        ["IncidentBridge:Ingest:MaxBodyBytes"] = "4096",
    };

    [Fact]
    public async Task Grafana_alert_opens_an_incident_like_alertmanager()
    {
        var notification = GrafanaWebhook.Firing("checkout");

        var response = await Client.PostGrafanaAsync(notification.ToString());

        var deliveryId = await response.DeliveryIdAsync();
        Assert.Equal($"/api/deliveries/{deliveryId}", response.Headers.Location?.OriginalString);
        var delivery = await Deliveries.ProcessedAsync(Incidents.Api, deliveryId);
        Assert.Equal("grafana", delivery.GetProperty("source").GetString());
        var incident = await Incidents.SingleAsync();
        Assert.Equal("High latency on checkout in eu-1", incident.GetProperty("title").GetString());
        Assert.Equal("SEV1", incident.GetProperty("severity").GetString());
        Assert.Equal("checkout", incident.GetProperty("service").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 51, 3, TimeSpan.Zero), incident.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(notification.Fingerprints.Order(), Fingerprints(incident).Order());
        var source = Assert.Single(incident.GetProperty("sources").EnumerateArray());
        Assert.Equal("grafana", source.GetProperty("kind").GetString());
        Assert.Equal(notification.GroupKey, source.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Grafana_alert_joins_the_alertmanager_incident_of_the_same_service()
    {
        await Incidents.AlertsAsync("{}:{alertname=\"HighErrorRate\"}", TestAlert.Firing("am-1", new DateTimeOffset(2026, 11, 23, 7, 45, 0, TimeSpan.Zero)));

        await PostAndProcessAsync(GrafanaWebhook.Firing("checkout").ToString());

        var incident = await Incidents.SingleAsync();
        Assert.Equal(["alertmanager", "grafana"], incident.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(3, incident.GetProperty("alerts").GetArrayLength());
    }

    [Fact]
    public async Task Repeated_grafana_notifications_change_nothing_twice()
    {
        var body = GrafanaWebhook.Firing("checkout").ToString();

        await PostAndProcessAsync(body);
        await PostAndProcessAsync(body);

        Assert.Equal(2, await Worker.CountAsync("alert_events"));
        var incident = await Incidents.SingleAsync();
        Assert.Equal(2, incident.GetProperty("timeline").EnumerateArray().Count(t => t.GetProperty("kind").GetString() == "alert_firing"));
    }

    [Fact]
    public async Task Resolved_grafana_notification_resolves_the_incident()
    {
        await PostAndProcessAsync(GrafanaWebhook.Firing("checkout").ToString());

        await PostAndProcessAsync(GrafanaWebhook.Resolved("checkout").ToString());

        var incident = await Incidents.SingleAsync();
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 3, 3, TimeSpan.Zero), incident.GetProperty("resolvedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Page_from_grafanas_own_pagerduty_integration_joins_the_grafana_incident()
    {
        var notification = GrafanaWebhook.Firing("checkout");
        await PostAndProcessAsync(notification.ToString());

        // Grafana's PagerDuty integration sends dedup_key = SHA-256 of the group key, lower-case hex, as Alertmanager's does.
        var dedupKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notification.GroupKey)));
        await Incidents.PageAsync(PagerDutyEvent.Of("incident.triggered").At(new DateTimeOffset(2026, 11, 23, 7, 52, 0, TimeSpan.Zero)).WithIncidentKey(dedupKey));

        var incident = await Incidents.SingleAsync();
        Assert.Equal(["grafana", "pagerduty"], incident.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Both_grafana_tokens_are_accepted_while_one_is_rotated()
    {
        var body = GrafanaWebhook.Firing("checkout").ToString();

        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostGrafanaAsync(body, WorkerFactory.GrafanaToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostGrafanaAsync(body, "grafana-token-next")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData(WorkerFactory.AlertmanagerToken)]
    public async Task Missing_wrong_or_alertmanagers_token_is_401_and_nothing_is_stored(string? token)
    {
        var response = await Client.PostGrafanaAsync(GrafanaWebhook.Firing("checkout").ToString(), token);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Alertmanager_body_on_the_grafana_endpoint_is_400_naming_the_version()
    {
        var response = await Client.PostGrafanaAsync(AlertmanagerWebhook.Firing("checkout").ToString());

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "version");
        Assert.Contains("Grafana", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Theory]
    [InlineData("groupKey")]
    [InlineData("alerts[1].startsAt")]
    [InlineData("alerts[0].labels")]
    public async Task Wrong_shape_is_400_naming_the_field(string field)
    {
        var body = GrafanaWebhook.Firing("checkout").With(json =>
        {
            switch (field)
            {
                case "groupKey": json.Remove("groupKey"); break;
                case "alerts[1].startsAt": json["alerts"]![1]!.AsObject().Remove("startsAt"); break;
                default: json["alerts"]![0]!["labels"] = new JsonObject(); break;
            }
        });

        await (await Client.PostGrafanaAsync(body)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Non_json_content_type_is_415() =>
        await (await Client.PostGrafanaAsync(GrafanaWebhook.Firing("checkout").ToString(), contentType: "text/plain"))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type");

    [Fact]
    public async Task Body_over_the_limit_is_413_and_nothing_is_stored()
    {
        var body = GrafanaWebhook.Firing("checkout").With(json => json["message"] = new string('x', 5000));

        await (await Client.PostGrafanaAsync(body)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Grafana_endpoint_without_tokens_is_404()
    {
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Sources:Grafana:BearerTokens:0"] = null });

        await (await worker.CreateClient().PostGrafanaAsync(GrafanaWebhook.Firing("checkout").ToString(), token: ""))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task PostAndProcessAsync(string body) =>
        await Deliveries.ProcessedAsync(Incidents.Api, await (await Client.PostGrafanaAsync(body)).DeliveryIdAsync());

    private static IEnumerable<string?> Fingerprints(JsonElement incident) =>
        incident.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("fingerprint").GetString());
}
