using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBridge.Trackers;
using IncidentBridge.Trackers.GitHub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace IncidentBridge.Tests.Trackers.GitHub;

/// <summary>
/// A WireMock GitHub Enterprise Server: its base URL is not github.com, so Octokit sends every call under
/// <c>/api/v3/</c>, as it does for a real GHES host.
/// </summary>
internal sealed class GitHubFake : IDisposable
{
    public const string Token = "ghp_test-token";
    public const string IssuesPath = "/api/v3/repos/acme/payments/issues";

    public static readonly TrackerTarget Target = new("GitHub", null, "acme/payments", null, [], [], new Dictionary<string, JsonElement>());

    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>A tracker against this server; mutating calls are 1 ms apart unless <paramref name="createsPerMinute"/> says otherwise.</summary>
    public GitHubTracker Tracker(TimeProvider? time = null, int createsPerMinute = 60_000, ILogger<GitHubTracker>? logger = null, TimeSpan? timeout = null) =>
        new(
            Options.Create(new GitHubOptions { BaseUrl = Server.Urls[0] + "/", Token = Token, CreatesPerMinute = createsPerMinute, Timeout = timeout ?? TimeSpan.FromSeconds(30) }),
            time ?? TimeProvider.System,
            logger ?? NullLogger<GitHubTracker>.Instance);

    public void RespondToCreate(JsonObject issue, TimeSpan? delay = null)
    {
        var response = Json(201, issue);
        Server.Given(Request.Create().WithPath(IssuesPath).UsingPost()).RespondWith(delay is { } d ? response.WithDelay(d) : response);
    }

    public void RespondToUpdate(int number, JsonObject issue) =>
        Server.Given(Request.Create().WithPath($"{IssuesPath}/{number}").UsingPatch()).RespondWith(Json(200, issue));

    public void RespondToGet(int number, JsonObject issue) =>
        Server.Given(Request.Create().WithPath($"{IssuesPath}/{number}").UsingGet()).RespondWith(Json(200, issue));

    public void RespondToMarkerSearch(string marker, params JsonObject[] issues) =>
        Server.Given(Request.Create().WithPath(IssuesPath).UsingGet().WithParam("labels", marker).WithParam("state", "all"))
            .RespondWith(Json(200, new JsonArray([.. issues])));

    public void FailEverything(int status, string message, params (string Name, string Value)[] headers)
    {
        var response = Response.Create()
            .WithStatusCode(status)
            .WithHeader("Content-Type", "application/json")
            .WithBody(new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" }.ToJsonString());
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        Server.Given(Request.Create().WithPath("/*")).RespondWith(response);
    }

    public void FailEverything(int status, JsonObject body) =>
        Server.Given(Request.Create().WithPath("/*")).RespondWith(Json(status, body));

    /// <summary>Bodies of the requests received with <paramref name="method"/> on <paramref name="path"/>, in order.</summary>
    public IReadOnlyList<JsonElement> Bodies(string method, string path) =>
        Requests(method, path)
            .Select(r => JsonDocument.Parse(r.Body ?? "null").RootElement.Clone())
            .ToList();

    public int Count(string method, string path) => Requests(method, path).Count;

    /// <summary>The requests received with <paramref name="method"/> on <paramref name="path"/>, in order.</summary>
    public IReadOnlyList<IRequestMessage> Requests(string method, string path) =>
        Server.LogEntries
            .Select(e => e.RequestMessage)
            .OfType<IRequestMessage>()
            .Where(r => r.Method == method && r.Path == path)
            .OrderBy(r => r.DateTime)
            .ToList();

    public static JsonObject Issue(int number, string state = "open", string? body = null, string[]? labels = null, string[]? assignees = null) => new()
    {
        ["id"] = 1000 + number,
        ["number"] = number,
        ["html_url"] = $"https://ghe.example.com/acme/payments/issues/{number}",
        ["state"] = state,
        ["title"] = "Add a disk-usage alert",
        ["body"] = body,
        ["labels"] = new JsonArray([.. (labels ?? []).Select(l => (JsonNode)new JsonObject { ["name"] = l })]),
        ["assignees"] = new JsonArray([.. (assignees ?? []).Select(a => (JsonNode)new JsonObject { ["login"] = a })]),
    };

    public static JsonObject PullRequest(int number, string[] labels)
    {
        var pull = Issue(number, labels: labels);
        pull["pull_request"] = new JsonObject { ["url"] = $"https://ghe.example.com/api/v3/repos/acme/payments/pulls/{number}" };
        return pull;
    }

    public void Dispose() => Server.Stop();

    private static IResponseBuilder Json(int status, JsonNode body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString());
}
