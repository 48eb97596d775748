using Microsoft.AspNetCore.Routing;

namespace IncidentBridge.Tests.Api;

/// <summary><c>GET /openapi/v1.json</c>, fetched from the running worker and held against the endpoints it maps.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly WorkerFactory _worker = new();
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        var response = await _worker.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _document = await response.JsonAsync();
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public void Description_is_openapi_3_and_needs_no_token() =>
        Assert.StartsWith("3.", _document.GetProperty("openapi").GetString(), StringComparison.Ordinal);

    [Fact]
    public void Every_mapped_endpoint_is_described_with_its_methods()
    {
        var mapped = _worker.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Path: Normalize(e.RoutePattern.RawText), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(e => e.Path != "/openapi/v1.json")
            .ToList();
        var paths = _document.GetProperty("paths").EnumerateObject().ToDictionary(p => Normalize(p.Name), p => p.Value);

        Assert.Contains(mapped, e => e.Path == "/webhooks/grafana");
        Assert.Contains(mapped, e => e.Path == "/metrics");
        Assert.All(mapped, endpoint =>
        {
            Assert.True(paths.TryGetValue(endpoint.Path, out var item), $"{endpoint.Path} is not in the description");
            Assert.All(endpoint.Methods, method => Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {endpoint.Path} is not in the description"));
        });
    }

    [Fact]
    public void Api_calls_take_the_api_bearer_token_and_answer_problems()
    {
        var apiOperations = Operations().Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(apiOperations);
        Assert.All(apiOperations, o =>
        {
            Assert.Equal(["apiBearer"], Schemes(o.Operation));
            Assert.True(o.Operation.GetProperty("responses").GetProperty("401").GetProperty("content").TryGetProperty("application/problem+json", out _), $"{o.Path} has no 401 problem");
        });
        Assert.Equal("http", _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiBearer").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("/webhooks/alertmanager", "alertmanagerBearer")]
    [InlineData("/webhooks/grafana", "grafanaBearer")]
    [InlineData("/webhooks/pagerduty", "pagerDutySignature")]
    public void Webhooks_describe_their_credentials_body_and_answers(string path, string scheme)
    {
        var operation = Operations().Single(o => o.Path == path && o.Method == "post").Operation;

        Assert.Equal([scheme], Schemes(operation));
        Assert.True(operation.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var responses = operation.GetProperty("responses");
        Assert.All(["202", "400", "401", "404", "413", "415", "503"], status => Assert.True(responses.TryGetProperty(status, out _), $"{path} lacks {status}"));
    }

    [Fact]
    public void Postmortems_take_json_or_markdown()
    {
        var content = Operations().Single(o => o.Path == "/api/incidents/{id}/postmortem").Operation.GetProperty("requestBody").GetProperty("content");

        Assert.True(content.TryGetProperty("application/json", out _));
        Assert.True(content.TryGetProperty("text/markdown", out _));
    }

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        from path in _document.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        where method.Name is "get" or "post" or "put" or "delete" or "patch"
        select (Normalize(path.Name), method.Name, method.Value);

    private static IEnumerable<string> Schemes(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name))
            : [];

    private static string Normalize(string? path) => "/" + (path ?? "").Trim('/');
}
