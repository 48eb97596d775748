namespace IncidentBridge.Tests.Ingest;

public sealed class PagerDutyWebhookTests() : WorkerTests(new WorkerFactory(Settings))
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["IncidentBridge:Sources:PagerDuty:SigningSecrets:1"] = "pd-secret-next",
    };

    [Fact]
    public async Task Signed_incident_event_is_answered_202_and_recorded()
    {
        var evt = PagerDutyEvent.Of("incident.triggered").ForIncident("PINC001");

        var deliveryId = await (await Client.PostPagerDutyAsync(evt.ToString())).DeliveryIdAsync();

        await Deliveries.ProcessedAsync(Worker.CreateApiClient(), deliveryId);
        Assert.Equal(1, await Worker.CountAsync("pagerduty_events", "event_id = @Id AND incident_id = 'PINC001' AND event_type = 'incident.triggered'", new { evt.Id }));
    }

    [Fact]
    public async Task Duplicate_pagerduty_event_is_accepted_once()
    {
        var body = PagerDutyEvent.Of("incident.acknowledged").ToString();

        var first = await (await Client.PostPagerDutyAsync(body)).JsonAsync();
        var again = await Client.PostPagerDutyAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var repeat = await again.JsonAsync();
        Assert.True(repeat.GetProperty("duplicate").GetBoolean());
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("deliveryId").GetString(), repeat.GetProperty("deliveryId").GetString());
        Assert.Equal(1, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Retry_with_the_same_webhook_id_is_a_duplicate()
    {
        var first = PagerDutyEvent.Of("incident.resolved").ToString();
        var second = PagerDutyEvent.Of("incident.resolved").ToString();

        await Client.PostPagerDutyAsync(first, PagerDutyEvent.Sign(first, WorkerFactory.PagerDutySecret), webhookId: "wh-1");
        var retry = await Client.PostPagerDutyAsync(second, PagerDutyEvent.Sign(second, WorkerFactory.PagerDutySecret), webhookId: "wh-1");

        Assert.True((await retry.JsonAsync()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await Worker.CountAsync("deliveries"));
    }

    [Theory]
    [InlineData("pagey.ping")]
    [InlineData("incident.responder.added")]
    [InlineData("service.updated")]
    public async Task Signed_event_of_another_type_is_stored_and_answered_202(string eventType)
    {
        var deliveryId = await (await Client.PostPagerDutyAsync(PagerDutyEvent.Of(eventType).ToString())).DeliveryIdAsync();

        await Deliveries.ProcessedAsync(Worker.CreateApiClient(), deliveryId);
    }

    [Fact]
    public async Task Second_secret_is_accepted_during_rotation()
    {
        var body = PagerDutyEvent.Of("incident.triggered").ToString();

        var response = await Client.PostPagerDutyAsync(body, PagerDutyEvent.Sign(body, "retired-on-their-side", "pd-secret-next"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Tampered_body_is_401_and_nothing_is_stored()
    {
        var body = PagerDutyEvent.Of("incident.triggered").ToString();
        var signature = PagerDutyEvent.Sign(body, WorkerFactory.PagerDutySecret);

        var response = await Client.PostPagerDutyAsync(body.Replace("triggered", "resolved", StringComparison.Ordinal), signature);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Missing_signature_is_401() =>
        await (await Client.PostPagerDutyAsync(PagerDutyEvent.Of("incident.triggered").ToString(), signature: null))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);

    [Fact]
    public async Task Event_whose_incident_holds_text_that_is_not_utf8_is_400_naming_event_data()
    {
        var body = Encoding.UTF8.GetBytes(PagerDutyEvent.Of("incident.triggered").WithIncidentKey("key-@@").ToString());
        // "@@" becomes a lead byte without its continuation: still JSON, no longer UTF-8.
        var at = body.AsSpan().IndexOf("@@"u8);
        (body[at], body[at + 1]) = (0xC3, 0x28);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-PagerDuty-Signature", "v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(WorkerFactory.PagerDutySecret), body)));

        var response = await Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "event.data");
        Assert.Equal(0, await Worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task Legacy_v2_body_is_400_saying_v3_is_required()
    {
        var response = await Client.PostPagerDutyAsync("""{"messages":[{"event":"incident.trigger","incident":{"id":"P1"}}]}""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "messages");
        Assert.Contains("V3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_legacy_v2_body_is_400_saying_v3_is_required_not_401()
    {
        // V2 webhooks were never signed: a 401 would send the operator after the wrong problem.
        var response = await Client.PostPagerDutyAsync("""{"messages":[{"event":"incident.trigger","incident":{"id":"P1"}}]}""", signature: null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "messages");
        Assert.Contains("V3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"event":{"event_type":"incident.triggered","occurred_at":"2026-11-23T08:00:00Z"}}""", "event.id")]
    [InlineData("""{"event":{"id":"E1","occurred_at":"2026-11-23T08:00:00Z"}}""", "event.event_type")]
    [InlineData("""{"event":{"id":"E1","event_type":"incident.triggered"}}""", "event.occurred_at")]
    [InlineData("""{"event":{"id":"E1","event_type":"incident.triggered","occurred_at":"soon"}}""", "event.occurred_at")]
    [InlineData("""{"something":"else"}""", "event")]
    public async Task Signed_body_of_the_wrong_shape_is_400_naming_the_field(string body, string field) =>
        await (await Client.PostPagerDutyAsync(body)).AssertProblemAsync(HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Non_json_content_type_is_415() =>
        await (await Client.PostPagerDutyAsync("event=x", PagerDutyEvent.Sign("event=x", WorkerFactory.PagerDutySecret), contentType: "application/x-www-form-urlencoded"))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
}
