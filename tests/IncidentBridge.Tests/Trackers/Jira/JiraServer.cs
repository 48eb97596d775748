using IncidentBridge.Trackers.Jira;
using Microsoft.AspNetCore.Builder;
using WireMock.Logging;
using WireMock.Server;

namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>
/// A WireMock Jira and the worker's own Jira registration pointed at it (options, named client, resilience
/// pipeline), so the tests go through the same handlers as production.
/// </summary>
internal sealed class JiraServer : IDisposable
{
    public const string Email = "bot@example.com";
    public const string ApiToken = "api-token-123";

    private readonly WebApplication _app;

    private JiraServer(IReadOnlyDictionary<string, string?> settings)
    {
        Mock = WireMockServer.Start();
        var configuration = new Dictionary<string, string?>
        {
            [$"{JiraOptions.Section}:BaseUrl"] = Mock.Url + "/",
            [$"{JiraOptions.Section}:Email"] = Email,
            [$"{JiraOptions.Section}:ApiToken"] = ApiToken,
            [$"{JiraOptions.Section}:RetryDelay"] = "00:00:00.010",
            [$"{JiraOptions.Section}:Timeout"] = "00:00:05",
        };
        foreach (var (key, value) in settings)
        {
            configuration[$"{JiraOptions.Section}:{key}"] = value;
        }

        _app = RegistrationHost.Start(configuration, builder => builder.AddJira());
        Tracker = _app.Services.GetServices<ITracker>().Single(t => t.Name == "Jira");
    }

    public WireMockServer Mock { get; }

    public ITracker Tracker { get; }

    public static JiraServer Cloud(params (string Key, string? Value)[] settings) =>
        new(settings.ToDictionary(s => s.Key, s => s.Value));

    public static JiraServer DataCenter(string bearerToken) =>
        new(new Dictionary<string, string?> { ["ApiVersion"] = "2", ["Email"] = null, ["ApiToken"] = null, ["BearerToken"] = bearerToken });

    public JiraServer AnswersCreate(string key, string api = "3")
    {
        Mock.Given(Request.Create().WithPath($"/rest/api/{api}/issue").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new { id = "10001", key, self = $"{Mock.Url}/rest/api/{api}/issue/10001" }));
        return this;
    }

    public JiraServer AnswersUserSearch(object users, string api = "3")
    {
        Mock.Given(Request.Create().WithPath($"/rest/api/{api}/user/search").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(users));
        return this;
    }

    public JiraServer AnswersSearch(params (string Key, string Category)[] issues)
    {
        var body = new
        {
            issues = issues.Select(i => new { id = "1", key = i.Key, fields = new { summary = "x", status = new { name = "Some status", statusCategory = new { key = i.Category } } } }),
            isLast = true,
        };
        Mock.Given(Request.Create().WithPath("/rest/api/3/search/jql").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(body));
        return this;
    }

    /// <summary>
    /// Cloud <c>search/jql</c> pages: the first answers a request without a token, each next one the token the previous
    /// page handed out (<c>page-2</c>, <c>page-3</c> …); the last says <c>isLast</c>.
    /// </summary>
    public JiraServer AnswersTokenPages(params object[][] pages)
    {
        for (var i = 0; i < pages.Length; i++)
        {
            var last = i == pages.Length - 1;
            var request = Request.Create().WithPath("/rest/api/3/search/jql").UsingPost();
            var body = new { issues = pages[i], isLast = last, nextPageToken = last ? null : $"page-{i + 2}" };
            Mock.Given(i == 0 ? request : request.WithBody(new JsonPartialMatcher(new { nextPageToken = $"page-{i + 1}" })))
                .AtPriority(i == 0 ? 10 : 1)
                .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(body));
        }

        return this;
    }

    /// <summary>Data Center <c>/rest/api/2/search</c> pages, each answering its own <c>startAt</c>, all with the same <c>total</c>.</summary>
    public JiraServer AnswersOffsetPages(params object[][] pages)
    {
        var total = pages.Sum(page => page.Length);
        var startAt = 0;
        foreach (var page in pages)
        {
            Mock.Given(Request.Create().WithPath("/rest/api/2/search").UsingPost().WithBody(new JsonPartialMatcher(new { startAt })))
                .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { startAt, maxResults = 100, total, issues = page }));
            startAt += page.Length;
        }

        return this;
    }

    /// <summary>
    /// The issue as <c>GET issue/{key}</c> answers it, whatever fields and expansions were asked for. Written with
    /// System.Text.Json, so <paramref name="fields"/> may hold a rendered description (a <see cref="JsonElement"/>).
    /// </summary>
    public JiraServer AnswersIssue(string key, object fields, object[]? transitions = null, string api = "3") =>
        Answers("GET", $"/rest/api/{api}/issue/{key}", 200, JsonSerializer.Serialize(new { id = "10001", key, fields, transitions = transitions ?? [] }));

    /// <summary>An issue in a status of <paramref name="category"/> that offers <paramref name="transitions"/>.</summary>
    public JiraServer AnswersIssueStatus(string key, string category, object[] transitions, string api = "3") =>
        AnswersIssue(key, new { status = new { name = "Some status", statusCategory = new { key = category } } }, transitions, api);

    /// <summary>A transition as Jira lists it: the status it leads to, with that status's category.</summary>
    public static object Transition(string id, string to, string category) =>
        new { id, name = "To " + to, to = new { name = to, statusCategory = new { key = category } } };

    /// <summary>
    /// The issue's comments in pages that each answer their own <c>startAt</c>, all with the same <c>total</c>;
    /// a second call with nothing, or one empty page, is an issue without comments.
    /// </summary>
    public JiraServer AnswersComments(string key, params object[][] pages) => AnswersComments(key, "3", pages);

    public JiraServer AnswersComments(string key, string api, params object[][] pages)
    {
        var total = pages.Sum(page => page.Length);
        var startAt = 0;
        foreach (var page in pages.DefaultIfEmpty([]))
        {
            Mock.Given(Request.Create().WithPath($"/rest/api/{api}/issue/{key}/comment").UsingGet().WithParam("startAt", startAt.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { startAt, maxResults = 100, total, comments = page }));
            startAt += page.Length;
        }

        return this;
    }

    /// <summary>Every request so far fits Atlassian's OpenAPI document (Cloud only: the document is v3).</summary>
    public void AssertRequestsFitTheOpenApiDocument() => JiraOpenApi.AssertFit(Mock.LogEntries);

    public JiraServer Answers(string method, string path, int status, string? body = null, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        }

        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        Mock.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);
        return this;
    }

    public IReadOnlyList<ILogEntry> Requests(string method, string path) =>
        Mock.LogEntries.Where(e => e.RequestMessage?.Method == method && e.RequestMessage.Path == path).ToList();

    public JsonElement SingleBody(string method, string path) => Body(Assert.Single(Requests(method, path)));

    public IReadOnlyList<JsonElement> Bodies(string method, string path) => Requests(method, path).Select(Body).ToList();

    private static JsonElement Body(ILogEntry request)
    {
        using var json = JsonDocument.Parse(request.RequestMessage?.Body ?? "null");
        return json.RootElement.Clone();
    }

    public static string? Header(ILogEntry request, string name) =>
        request.RequestMessage?.Headers?.TryGetValue(name, out var values) == true ? string.Join(",", values) : null;

    public static string? Query(ILogEntry request, string name) =>
        request.RequestMessage?.Query?.TryGetValue(name, out var values) == true ? string.Join(",", values) : null;

    public void Dispose()
    {
        ((IDisposable)_app).Dispose();
        Mock.Stop();
        Mock.Dispose();
    }
}
