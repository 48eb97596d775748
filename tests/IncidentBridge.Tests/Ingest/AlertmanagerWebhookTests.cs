using Dapper;

namespace IncidentBridge.Tests.Ingest;

public sealed class AlertmanagerWebhookTests() : WorkerTests(new WorkerFactory(Settings))
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["IncidentBridge:Sources:Alertmanager:BearerTokens:1"] = "am-token-next",
        ["IncidentBridge:Ingest:MaxBodyBytes"] = "4096",
    };

    [Fact]
    public async Task Firing_notification_is_answered_202_with_a_delivery_id_and_processed()
    {
        var response = await Client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").WithAlerts(3).ToString());

        var deliveryId = await response.DeliveryIdAsync();
        Assert.Equal($"/api/deliveries/{deliveryId}", response.Headers.Location?.OriginalString);
        var delivery = await Deliveries.ProcessedAsync(Worker.CreateApiClient(), deliveryId);
        Assert.Equal("alertmanager", delivery.GetProperty("source").GetString());
        Assert.Equal(3, await Worker.CountAsync("alert_events", "delivery_id = @deliveryId", new { deliveryId }));
    }

    [Fact]
    public async Task Raw_body_is_stored_byte_for_byte()
    {
        var body = AlertmanagerWebhook.Firing("checkout").ToString().Replace(",", ",  ", StringComparison.Ordinal);

        var deliveryId = await (await Client.PostAlertmanagerAsync(body)).DeliveryIdAsync();

        await using var connection = await Worker.Inbox().OpenAsync(CancellationToken.None);
        var stored = await connection.ExecuteScalarAsync<byte[]>("SELECT b.body FROM deliveries d JOIN delivery_bodies b ON b.seq = d.seq WHERE d.id = @deliveryId", new { deliveryId });
        Assert.Equal(body, System.Text.Encoding.UTF8.GetString(stored ?? []));
    }

    [Fact]
    public async Task Both_tokens_are_accepted_while_one_is_rotated()
    {
        var body = AlertmanagerWebhook.Firing("checkout").ToString();

        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostAlertmanagerAsync(body, WorkerFactory.AlertmanagerToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostAlertmanagerAsync(body, "am-token-next")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Missing_or_wrong_token_is_401_and_nothing_is_stored(string? token)
    {
        var response = await Client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString(), token);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Body_that_is_not_json_is_400()
    {
        var response = await Client.PostAlertmanagerAsync("{\"version\": \"4\", oops");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "$");
        Assert.StartsWith("The body is not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_that_is_not_an_object_is_400() =>
        await (await Client.PostAlertmanagerAsync("[1, 2]")).AssertProblemAsync(HttpStatusCode.BadRequest, "$");

    [Fact]
    public async Task Non_json_content_type_is_415() =>
        await (await Client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString(), contentType: "text/plain"))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type");

    [Fact]
    public async Task Body_over_the_limit_is_413_and_nothing_is_stored()
    {
        var response = await Client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").WithAlerts(40).ToString());

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "version", "missing version" },
        { "version", "version 3" },
        { "groupKey", "missing groupKey" },
        { "alerts", "empty alerts" },
        { "alerts[0].labels", "alert without labels" },
        { "alerts[0].startsAt", "alert without startsAt" },
        { "alerts[0].startsAt", "startsAt that is not a time" },
        { "alerts[0].status", "alert with an unknown status" },
        { "alerts[0].labels.severity", "label that is not a string" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Wrong_shape_is_400_naming_the_field(string field, string mistake)
    {
        var body = AlertmanagerWebhook.Firing("checkout").With(json => Break(json, mistake));

        var response = await Client.PostAlertmanagerAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Repeated_notifications_change_nothing_twice()
    {
        var body = AlertmanagerWebhook.Firing("checkout").WithAlerts(2).ToString();
        var api = Worker.CreateApiClient();

        var first = await (await Client.PostAlertmanagerAsync(body)).DeliveryIdAsync();
        var repeat = await (await Client.PostAlertmanagerAsync(body)).DeliveryIdAsync();
        await Deliveries.ProcessedAsync(api, first);
        await Deliveries.ProcessedAsync(api, repeat);

        Assert.Equal(2, await Worker.CountAsync("alert_events"));
    }

    [Fact]
    public async Task Alert_repeated_within_one_notification_is_recorded_and_correlated_once()
    {
        var body = AlertmanagerWebhook.Firing("checkout").WithAlerts(2).With(json =>
        {
            var alerts = json["alerts"]!.AsArray();
            alerts.Add(alerts[0]!.DeepClone());
        });

        await Deliveries.ProcessedAsync(Worker.CreateApiClient(), await (await Client.PostAlertmanagerAsync(body)).DeliveryIdAsync());

        Assert.Equal(2, await Worker.CountAsync("alert_events"));
        Assert.Equal(2, await Worker.CountAsync("incident_alerts"));
        Assert.Equal(2, await Worker.CountAsync("incident_timeline", "kind = 'alert_firing'"));
    }

    [Fact]
    public async Task Resolved_notification_is_recorded_beside_the_firing_one()
    {
        var api = Worker.CreateApiClient();
        await Deliveries.ProcessedAsync(api, await (await Client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString())).DeliveryIdAsync());

        await Deliveries.ProcessedAsync(api, await (await Client.PostAlertmanagerAsync(AlertmanagerWebhook.Resolved("checkout").ToString())).DeliveryIdAsync());

        Assert.Equal(1, await Worker.CountAsync("alert_events", "status = 'firing'"));
        Assert.Equal(1, await Worker.CountAsync("alert_events", "status = 'resolved' AND ends_at IS NOT NULL"));
    }

    private static void Break(JsonObject json, string mistake)
    {
        var alert = json["alerts"]?[0]?.AsObject() ?? throw new InvalidOperationException("no alert");
        switch (mistake)
        {
            case "missing version": json.Remove("version"); break;
            case "version 3": json["version"] = "3"; break;
            case "missing groupKey": json.Remove("groupKey"); break;
            case "empty alerts": json["alerts"] = new JsonArray(); break;
            case "alert without labels": alert.Remove("labels"); break;
            case "alert without startsAt": alert.Remove("startsAt"); break;
            case "startsAt that is not a time": alert["startsAt"] = "yesterday"; break;
            case "alert with an unknown status": alert["status"] = "exploded"; break;
            case "label that is not a string": alert["labels"]!["severity"] = 3; break;
            default: throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }
    }
}
