using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace IncidentBridge.TestSupport;

/// <summary>
/// A stateful Jira Cloud on WireMock, for the end-to-end tests and the bench. It keeps the issues created (project
/// PAY), answers <c>POST /rest/api/3/search/jql</c> from them (the marker search, and the status sync's "action items
/// updated since" search, paged by <c>nextPageToken</c>), reads an issue, moves it to done by a transition, and counts
/// every request by kind. It can be told to fail creates the ways real outages do (503, 429 with Retry-After, an
/// answer that never arrives after the issue was made).
/// <para>
/// Its clock is a model of a real project: issue <c>PAY-n</c> was last updated <c>n</c> minutes after a start far
/// enough back for the issues expected, as if they had been made over days rather than in a test's seconds; a change
/// (<see cref="ChangeSome"/>, a transition) is stamped with the real time. A sync window (since the last change seen,
/// minus the worker's overlap) then holds what changed, as it would in production.
/// </para>
/// </summary>
public sealed partial class FakeJira : IDisposable
{
    private const string Project = "PAY";
    private readonly ConcurrentDictionary<string, Issue> _issues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _createFailures = new();
    private readonly ConcurrentQueue<DateTime> _createTimes = new();
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DateTimeOffset _clockStart;
    private int _next;

    /// <param name="expectedIssues">How many issues the run will make, to place the clock's start before the first of them.</param>
    public FakeJira(int expectedIssues = 0)
    {
        _clockStart = DateTimeOffset.UtcNow.AddMinutes(-(expectedIssues + 60));
        // A short request log: the bench sends tens of thousands of requests, and the counts here say what they were.
        Server = WireMockServer.Start(new WireMockServerSettings { MaxRequestLogCount = 100 });
        Server.Given(Request.Create().WithPath("/rest/api/3/issue").UsingPost())
            .RespondWith(Response.Create().WithCallback(CreateAsync));
        Server.Given(Request.Create().WithPath("/rest/api/3/search/jql").UsingPost())
            .RespondWith(Response.Create().WithCallback(Search));
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/rest/api/3/issue/[^/]+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(Read));
        Server.Given(Request.Create().WithPath("/rest/api/3/issue/*/transitions").UsingPost())
            .RespondWith(Response.Create().WithCallback(Transition));
        Server.Given(Request.Create().WithPath("/rest/api/3/issue/*").UsingPut())
            .RespondWith(Response.Create().WithCallback(_ => Counted("update", new ResponseMessage { StatusCode = 204 })));
        Server.Given(Request.Create().WithPath("/rest/api/3/user/search").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => Counted("user-search", Answer(200, new JsonArray()))));
        Server.Given(Request.Create().WithPath("/*")).AtPriority(100)
            .RespondWith(Response.Create().WithCallback(Unexpected));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Urls[0] + "/";

    /// <summary>The issues Jira holds, by key, as created (the request's <c>fields</c>).</summary>
    public IReadOnlyDictionary<string, JsonObject> Issues => _issues.ToDictionary(i => i.Key, i => i.Value.Fields, StringComparer.Ordinal);

    public int IssueCount => _issues.Count;

    /// <summary>
    /// Requests received so far, by kind: <c>create</c> (a failed one included), <c>marker-search</c>,
    /// <c>changed-search</c>, <c>read</c>, <c>transition</c>, <c>update</c>, <c>user-search</c>, <c>other</c> (answered 404).
    /// </summary>
    public IReadOnlyDictionary<string, long> Requests => new Dictionary<string, long>(_requests, StringComparer.Ordinal);

    /// <summary>Create requests received, including one whose answer is still being held back.</summary>
    public int CreateCalls => (int)Count("create");

    /// <summary>Settings that point an in-process worker at this Jira, routed by default to project PAY.</summary>
    public Dictionary<string, string?> Settings(string timeout = "00:00:02") => new()
    {
        ["IncidentBridge:Trackers:Jira:BaseUrl"] = Url,
        ["IncidentBridge:Trackers:Jira:Email"] = "bot@example.com",
        ["IncidentBridge:Trackers:Jira:ApiToken"] = "jira-token",
        ["IncidentBridge:Trackers:Jira:RetryDelay"] = "00:00:00.010",
        ["IncidentBridge:Trackers:Jira:Timeout"] = timeout,
        ["IncidentBridge:Routing:Default:Tracker"] = "Jira",
        ["IncidentBridge:Routing:Default:Project"] = Project,
    };

    public long Count(string kind) => _requests.GetValueOrDefault(kind);

    /// <summary>
    /// The next creates fail, in order: "503", "429:N" (Retry-After N s) or "lost" (the issue is made, but the answer is
    /// held until this fake stops: the client has long given up by then).
    /// </summary>
    public FakeJira FailCreates(params string[] failures)
    {
        foreach (var failure in failures)
        {
            _createFailures.Enqueue(failure);
        }

        return this;
    }

    /// <summary>When each create request arrived, in order.</summary>
    public IReadOnlyList<DateTime> CreateRequestTimes() => [.. _createTimes.Order()];

    /// <summary>Transitions posted to the issue <paramref name="key"/>.</summary>
    public int Transitions(string key) => _issues.TryGetValue(key, out var issue) ? issue.Snapshot().Transitions : 0;

    /// <summary>Moves <paramref name="fraction"/> of the issues to Done (every Nth key, so spread over the project), updated now.</summary>
    public int ChangeSome(double fraction)
    {
        var step = (int)Math.Round(1 / fraction);
        var now = DateTimeOffset.UtcNow;
        var changed = 0;
        foreach (var issue in _issues.Values.Where(i => i.Number % step == 0))
        {
            issue.MoveToDone(now, transition: false);
            changed++;
        }

        return changed;
    }

    public void Dispose()
    {
        _stopping.TrySetResult();
        Server.Stop();
    }

    private async Task<IResponseMessage> CreateAsync(IRequestMessage request)
    {
        _createTimes.Enqueue(DateTime.UtcNow);
        Counted("create");
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
        var number = Interlocked.Increment(ref _next);
        var issue = new Issue(number, $"{Project}-{number}", (JsonObject)fields.DeepClone(), _clockStart.AddMinutes(number));
        _issues[issue.Key] = issue;
        if (failure == "lost")
        {
            await _stopping.Task;
        }

        return Answer(201, new JsonObject { ["id"] = $"{10000 + number}", ["key"] = issue.Key, ["self"] = $"{Url}rest/api/3/issue/{issue.Key}" });
    }

    private ResponseMessage Search(IRequestMessage request)
    {
        var body = JsonNode.Parse(request.Body ?? "{}")?.AsObject() ?? [];
        var jql = body["jql"]?.GetValue<string>() ?? "";
        var max = body["maxResults"]?.GetValue<int>() ?? 50;
        var offset = int.TryParse(body["nextPageToken"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
        var marker = MarkerPattern().Match(jql);
        IEnumerable<IssueState> found;
        if (marker.Success)
        {
            Counted("marker-search");
            found = _issues.Values.Select(i => i.Snapshot()).Where(i => i.Labels.Contains(marker.Value, StringComparer.Ordinal));
        }
        else
        {
            Counted("changed-search");
            var since = SincePattern().Match(jql) is { Success: true } m
                ? DateTimeOffset.ParseExact(m.Groups[1].Value, "yyyy'/'MM'/'dd HH':'mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : DateTimeOffset.MinValue;
            found = _issues.Values.Select(i => i.Snapshot()).Where(i => i.Labels.Contains("action-item", StringComparer.Ordinal) && i.Updated >= since);
        }

        var all = found.OrderBy(i => i.Updated).ThenBy(i => i.Number).ToList();
        var page = all.Skip(offset).Take(max).ToList();
        var last = offset + page.Count >= all.Count;
        var answer = new JsonObject
        {
            ["issues"] = new JsonArray([.. page.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = $"{10000 + i.Number}",
                ["key"] = i.Key,
                ["fields"] = new JsonObject
                {
                    ["summary"] = i.Summary,
                    ["status"] = Status(i.Category),
                    ["labels"] = new JsonArray([.. i.Labels.Select(l => (JsonNode?)JsonValue.Create(l))]),
                    ["updated"] = JiraTime(i.Updated),
                },
            })]),
            ["isLast"] = last,
        };
        if (!last)
        {
            answer["nextPageToken"] = (offset + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return Answer(200, answer);
    }

    /// <summary>An issue read by key: open until a transition was posted, then done; it offers one transition, to done.</summary>
    private ResponseMessage Read(IRequestMessage request)
    {
        Counted("read");
        var key = Uri.UnescapeDataString(request.Path.Split('/')[^1]);
        if (!_issues.TryGetValue(key, out var issue))
        {
            return Answer(404, new JsonObject { ["errorMessages"] = new JsonArray("Issue does not exist or you do not have permission to see it.") });
        }

        var state = issue.Snapshot();
        return Answer(200, new JsonObject
        {
            ["id"] = $"{10000 + state.Number}",
            ["key"] = key,
            ["fields"] = new JsonObject
            {
                ["summary"] = state.Summary,
                ["labels"] = new JsonArray([.. state.Labels.Select(l => (JsonNode?)JsonValue.Create(l))]),
                ["status"] = Status(state.Category),
            },
            ["transitions"] = new JsonArray(new JsonObject { ["id"] = "31", ["name"] = "Done", ["to"] = Status("done") }),
        });
    }

    private ResponseMessage Transition(IRequestMessage request)
    {
        Counted("transition");
        if (_issues.TryGetValue(Uri.UnescapeDataString(request.Path.Split('/')[^2]), out var issue))
        {
            issue.MoveToDone(DateTimeOffset.UtcNow, transition: true);
        }

        return new ResponseMessage { StatusCode = 204 };
    }

    private ResponseMessage Unexpected(IRequestMessage request) =>
        Counted("other", Answer(404, new JsonObject { ["errorMessages"] = new JsonArray($"The fake Jira does not serve {request.Method} {request.Path}") }));

    private void Counted(string kind) => _requests.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private ResponseMessage Counted(string kind, ResponseMessage answer)
    {
        Counted(kind);
        return answer;
    }

    private static JsonObject Status(string category) =>
        new() { ["name"] = category == "done" ? "Done" : "To Do", ["statusCategory"] = new JsonObject { ["key"] = category } };

    private static string JiraTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    private static ResponseMessage Answer(int status, JsonNode body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body.ToJsonString() },
    };

    [GeneratedRegex("incidentbridge-[0-9a-f]+")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"updated >= ""([^""]+)""")]
    private static partial Regex SincePattern();

    /// <summary>An issue as created; what changes afterwards changes under its lock.</summary>
    private sealed class Issue(int number, string key, JsonObject fields, DateTimeOffset updated)
    {
        private readonly Lock _gate = new();
        // Read once here: a JsonObject is not safe to read from several requests at once.
        private readonly string _summary = fields["summary"]?.GetValue<string>() ?? "";
        private readonly string[] _labels = [.. fields["labels"] is JsonArray labels ? labels.Select(l => l?.GetValue<string>() ?? "") : []];
        private string _category = "new";
        private DateTimeOffset _updated = updated;
        private int _transitions;

        public int Number { get; } = number;

        public string Key { get; } = key;

        public JsonObject Fields { get; } = fields;

        public void MoveToDone(DateTimeOffset at, bool transition)
        {
            lock (_gate)
            {
                _category = "done";
                _updated = at;
                _transitions += transition ? 1 : 0;
            }
        }

        public IssueState Snapshot()
        {
            lock (_gate)
            {
                return new IssueState(Number, Key, _summary, _labels, _category, _updated, _transitions);
            }
        }
    }

    private sealed record IssueState(int Number, string Key, string Summary, IReadOnlyList<string> Labels, string Category, DateTimeOffset Updated, int Transitions);
}
