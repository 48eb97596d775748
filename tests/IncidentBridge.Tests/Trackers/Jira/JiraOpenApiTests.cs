using Xunit.Sdk;

namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>The OpenAPI check the other Jira tests rely on does refuse what Jira Cloud would not take.</summary>
public sealed class JiraOpenApiTests
{
    [Theory]
    [InlineData("POST", "/rest/api/3/search/jql", """{"jql":"project = PAY","startAt":0}""", "$.startAt is not a property")]
    [InlineData("PUT", "/rest/api/3/issue/PAY-1", """{"update":{"labels":[{"append":"p1"}]}}""", "$.update.labels[0].append is not a property")]
    [InlineData("POST", "/rest/api/3/issue/PAY-1/comment", """{"body":{},"properties":[{"key":"k","value":{},"id":"1"}]}""", "$.properties[0].id is not a property")]
    [InlineData("POST", "/rest/api/3/issue/PAY-1/comment", """{"body":{},"id":"1"}""", "$.id is read-only")]
    [InlineData("POST", "/rest/api/3/issue/PAY-1/transitions", """{"transition":{"id":31}}""", "$.transition.id is Number")]
    [InlineData("GET", "/rest/api/3/issue/PAY-1/comment?startAt=0&limit=5", null, "query parameter 'limit'")]
    [InlineData("GET", "/rest/api/3/issue/PAY-1/changelog", null, "no such operation")]
    public async Task Request_that_does_not_fit_the_document_is_refused(string method, string path, string? body, string problem)
    {
        using var jira = JiraServer.Cloud();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), jira.Mock.Url + path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);

        var error = Assert.Throws<TrueException>(jira.AssertRequestsFitTheOpenApiDocument);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
