namespace IncidentBridge.Tests.Api;

/// <summary>The API's bearer tokens and its answers to bad queries, each test on a worker of its own.</summary>
public sealed class ApiAuthorizationTests() : WorkerTests(new WorkerFactory())
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task Api_without_a_valid_token_is_401(string? token)
    {
        var client = Worker.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        var response = await client.GetAsync("/api/deliveries");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Api_with_no_tokens_configured_refuses_everyone()
    {
        // A worker of its own: the class's worker has the test token configured.
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Api:Tokens:0"] = null });

        var response = await worker.CreateApiClient().GetAsync("/api/deliveries");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("IncidentBridge:Api:Tokens", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_with_a_valid_token_answers()
    {
        var response = await Worker.CreateApiClient().GetAsync("/api/deliveries");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("state=finished", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=abc", "cursor")]
    public async Task Bad_query_is_400_naming_the_parameter(string query, string field)
    {
        var response = await Worker.CreateApiClient().GetAsync($"/api/deliveries?{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Unknown_delivery_is_404_problem() =>
        await (await Worker.CreateApiClient().GetAsync("/api/deliveries/unknown")).AssertProblemAsync(HttpStatusCode.NotFound);

    [Theory]
    [InlineData("/api/incidents?postmortm=overdue", "postmortm")]
    [InlineData("/api/action-items?ownr=bob", "ownr")]
    [InlineData("/api/deliveries?stat=dead", "stat")]
    public async Task Unknown_query_parameter_is_400_naming_it(string url, string parameter)
    {
        var problem = await (await Worker.CreateApiClient().GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(parameter, problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Worker.CreateClient().GetAsync(url)).StatusCode);
    }
}
