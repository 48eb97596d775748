using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// A stateful Jira Cloud on WireMock: it keeps the issues created, answers label searches on
/// <c>/rest/api/3/search/jql</c> from them, and can be told to fail creates in the ways real outages do
/// (503, 429 with Retry-After, an answer that never arrives after the issue was made).
/// </summary>
internal sealed partial class FakeJira : IDisposable
{
    private readonly ConcurrentDictionary<string, JsonObject> _issues = new();
    private readonly ConcurrentQueue<string> _createFailures = new();
    private readonly ConcurrentDictionary<string, bool> _done = new();
    private int _next;
    private int _creates;

    public FakeJira()
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath("/rest/api/3/issue").UsingPost())
            .RespondWith(Response.Create().WithCallback(Create));
        Server.Given(Request.Create().WithPath("/rest/api/3/search/jql").UsingPost())
            .RespondWith(Response.Create().WithCallback(Search));
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/rest/api/3/issue/[^/]+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(Read));
        Server.Given(Request.Create().WithPath("/rest/api/3/issue/*/transitions").UsingPost())
            .RespondWith(Response.Create().WithCallback(Transition));
        Server.Given(Request.Create().WithPath("/rest/api/3/issue/*").UsingPut())
            .RespondWith(Response.Create().WithStatusCode(204));
        Server.Given(Request.Create().WithPath("/rest/api/3/user/search").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Array.Empty<object>()));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Urls[0] + "/";

    /// <summary>The issues Jira holds, by key, as created (the request's <c>fields</c>).</summary>
    public IReadOnlyDictionary<string, JsonObject> Issues => _issues;

    /// <summary>Settings that point the worker at this Jira, routed by default to project PAY.</summary>
    public Dictionary<string, string?> Settings(string timeout = "00:00:02") => new()
    {
        ["IncidentBridge:Trackers:Jira:BaseUrl"] = Url,
        ["IncidentBridge:Trackers:Jira:Email"] = "bot@example.com",
        ["IncidentBridge:Trackers:Jira:ApiToken"] = "jira-token",
        ["IncidentBridge:Trackers:Jira:RetryDelay"] = "00:00:00.010",
        ["IncidentBridge:Trackers:Jira:Timeout"] = timeout,
        ["IncidentBridge:Routing:Default:Tracker"] = "Jira",
        ["IncidentBridge:Routing:Default:Project"] = "PAY",
    };

    /// <summary>The next creates fail, in order: "503", "429:N" (Retry-After N s) or "lost" (made, but the answer is dropped).</summary>
    public FakeJira FailCreates(params string[] failures)
    {
        foreach (var failure in failures)
        {
            _createFailures.Enqueue(failure);
        }

        return this;
    }

    /// <summary>Create requests received, including one whose answer is still being held back.</summary>
    public int CreateCalls => Volatile.Read(ref _creates);

    public IReadOnlyList<DateTime> CreateRequestTimes() =>
        Server.LogEntries.Select(e => e.RequestMessage).OfType<IRequestMessage>()
            .Where(r => r.Method == "POST" && r.Path == "/rest/api/3/issue").Select(r => r.DateTime).Order().ToList();

    public int Transitions(string key) =>
        Server.LogEntries.Select(e => e.RequestMessage).OfType<IRequestMessage>().Count(r => r.Method == "POST" && r.Path == $"/rest/api/3/issue/{key}/transitions");

    public void Dispose() => Server.Stop();

    private ResponseMessage Create(IRequestMessage request)
    {
        Interlocked.Increment(ref _creates);
        var failure = _createFailures.TryDequeue(out var next) ? next : null;
        if (failure == "503")
        {
            return Answer(503, new JsonObject { ["errorMessages"] = new JsonArray("Service Unavailable") });
        }

        if (failure?.StartsWith("429:", StringComparison.Ordinal) == true)
        {
            var answer = Answer(429, new JsonObject { ["errorMessages"] = new JsonArray("Rate limit exceeded") });
            answer.AddHeader("Retry-After", failure[4..]);
            return answer;
        }

        var fields = JsonNode.Parse(request.Body ?? "{}")?["fields"]?.AsObject() ?? [];
        var key = $"PAY-{Interlocked.Increment(ref _next)}";
        _issues[key] = (JsonObject)fields.DeepClone();
        if (failure == "lost")
        {
            // The issue exists now; the client never hears so (its timeout is far shorter than this).
            Thread.Sleep(TimeSpan.FromSeconds(6));
        }

        return Answer(201, new JsonObject { ["id"] = $"{10000 + _next}", ["key"] = key, ["self"] = $"{Url}rest/api/3/issue/{key}" });
    }

    /// <summary>An issue read by key: open until a transition was posted, then done; it offers one transition, to done.</summary>
    private ResponseMessage Read(IRequestMessage request)
    {
        var key = Uri.UnescapeDataString(request.Path.Split('/')[^1]);
        if (!_issues.TryGetValue(key, out var fields))
        {
            return Answer(404, new JsonObject { ["errorMessages"] = new JsonArray("Issue does not exist or you do not have permission to see it.") });
        }

        var category = _done.ContainsKey(key) ? "done" : "new";
        return Answer(200, new JsonObject
        {
            ["id"] = "1",
            ["key"] = key,
            ["fields"] = new JsonObject
            {
                ["summary"] = fields["summary"]?.DeepClone(),
                ["labels"] = fields["labels"]?.DeepClone(),
                ["status"] = new JsonObject { ["name"] = category == "done" ? "Done" : "To Do", ["statusCategory"] = new JsonObject { ["key"] = category } },
            },
            ["transitions"] = new JsonArray(new JsonObject
            {
                ["id"] = "31",
                ["name"] = "Done",
                ["to"] = new JsonObject { ["name"] = "Done", ["statusCategory"] = new JsonObject { ["key"] = "done" } },
            }),
        });
    }

    private ResponseMessage Transition(IRequestMessage request)
    {
        _done[Uri.UnescapeDataString(request.Path.Split('/')[^2])] = true;
        return new ResponseMessage { StatusCode = 204 };
    }

    private ResponseMessage Search(IRequestMessage request)
    {
        var marker = MarkerPattern().Match(request.Body ?? "").Value;
        var found = _issues
            .Where(i => i.Value["labels"] is JsonArray labels && labels.Any(l => l?.GetValue<string>() == marker))
            .Select(i => (JsonNode)new JsonObject
            {
                ["id"] = "1",
                ["key"] = i.Key,
                ["fields"] = new JsonObject { ["summary"] = i.Value["summary"]?.DeepClone(), ["status"] = new JsonObject { ["name"] = "To Do", ["statusCategory"] = new JsonObject { ["key"] = "new" } } },
            })
            .ToArray();
        return Answer(200, new JsonObject { ["issues"] = new JsonArray(found), ["isLast"] = true });
    }

    private static ResponseMessage Answer(int status, JsonNode body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body.ToJsonString() },
    };

    [GeneratedRegex("incidentbridge-[0-9a-f]+")]
    private static partial Regex MarkerPattern();
}
