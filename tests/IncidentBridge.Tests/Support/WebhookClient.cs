using System.Net.Http.Json;

namespace IncidentBridge.Tests.Support;

internal static class WebhookClient
{
    public static Task<HttpResponseMessage> PostAlertmanagerAsync(
        this HttpClient client, string body, string? token = WorkerFactory.AlertmanagerToken, string contentType = "application/json", CancellationToken cancellationToken = default) =>
        client.PostWithBearerAsync("/webhooks/alertmanager", body, token, contentType, cancellationToken);

    public static Task<HttpResponseMessage> PostGrafanaAsync(
        this HttpClient client, string body, string? token = WorkerFactory.GrafanaToken, string contentType = "application/json") =>
        client.PostWithBearerAsync("/webhooks/grafana", body, token, contentType, CancellationToken.None);

    public static Task<HttpResponseMessage> PostPagerDutyAsync(this HttpClient client, string body, string? signature, string? webhookId = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (signature is not null)
        {
            request.Headers.Add("X-PagerDuty-Signature", signature);
        }

        if (webhookId is not null)
        {
            request.Headers.Add("X-Webhook-Id", webhookId);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostPagerDutyAsync(this HttpClient client, string body) =>
        client.PostPagerDutyAsync(body, PagerDutyEvent.Sign(body, WorkerFactory.PagerDutySecret));

    /// <summary>A body posted to one of the bearer-token webhooks; a null <paramref name="token"/> sends no Authorization header.</summary>
    private static Task<HttpResponseMessage> PostWithBearerAsync(this HttpClient client, string path, string body, string? token, string contentType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request, cancellationToken);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<string> DeliveryIdAsync(this HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("deliveryId").GetString() ?? throw new InvalidOperationException("no deliveryId");
    }

    /// <summary>Asserts a problem+json answer with the given status and, when given, the field it names.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status, string? field = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        return problem;
    }
}
