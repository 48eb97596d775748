using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace IncidentBridge.Bench;

/// <summary>
/// A stateful Jira Cloud on WireMock.Net, enough for the dispatcher and the status sync: creates answer 201 with
/// increasing keys, and <c>POST /rest/api/3/search/jql</c> answers from the issues it holds (the marker search, and
/// the status sync's "action items updated since" search, paged by <c>nextPageToken</c>). It counts every request.
/// <para>
/// Its clock is a model of a real project: issue <c>PAY-n</c> was last updated <c>n</c> minutes after a start a
/// week back, as if the issues had been made over that week rather than in the bench's two minutes; a change
/// (<see cref="ChangeSome"/>) is stamped with the real time. A sync window (since the last change seen, minus the
/// worker's 15 min overlap) then holds what changed, as it would in production.
/// </para>
/// </summary>
internal sealed partial class FakeJira : IDisposable
{
    private const string Project = "PAY";
    private readonly ConcurrentDictionary<string, Issue> _issues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _clockStart;
    private int _next;

    public FakeJira(int expectedIssues)
    {
        _clockStart = DateTimeOffset.UtcNow.AddMinutes(-(expectedIssues + 60));
        Server = WireMockServer.Start(new WireMockServerSettings { MaxRequestLogCount = 100 });
        Server.Given(Request.Create().WithPath("/rest/api/3/issue").UsingPost()).RespondWith(Response.Create().WithCallback(Create));
        Server.Given(Request.Create().WithPath("/rest/api/3/search/jql").UsingPost()).RespondWith(Response.Create().WithCallback(Search));
        Server.Given(Request.Create().WithPath("/*")).AtPriority(100).RespondWith(Response.Create().WithCallback(Unexpected));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Urls[0] + "/";

    public int IssueCount => _issues.Count;

    /// <summary>Requests received so far, by kind: <c>create</c>, <c>marker-search</c>, <c>changed-search</c>, <c>other</c>.</summary>
    public IReadOnlyDictionary<string, long> Requests => new Dictionary<string, long>(_requests, StringComparer.Ordinal);

    public long Count(string kind) => _requests.GetValueOrDefault(kind);

    /// <summary>Moves <paramref name="fraction"/> of the issues to Done (every Nth key, so spread over the project), updated now.</summary>
    public int ChangeSome(double fraction)
    {
        var step = (int)Math.Round(1 / fraction);
        var now = DateTimeOffset.UtcNow;
        var changed = 0;
        foreach (var issue in _issues.Values.Where(i => i.Number % step == 0))
        {
            lock (issue.Gate)
            {
                issue.Category = "done";
                issue.Updated = now;
            }

            changed++;
        }

        return changed;
    }

    public void Dispose() => Server.Stop();

    private static ResponseMessage Answer(int status, JsonNode body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body.ToJsonString() },
    };

    private static string JiraTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    private void Counted(string kind) => _requests.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private ResponseMessage Create(IRequestMessage request)
    {
        Counted("create");
        var fields = JsonNode.Parse(request.Body ?? "{}")?["fields"]?.AsObject();
        var labels = fields?["labels"]?.AsArray().Select(l => l?.GetValue<string>() ?? "").ToArray() ?? [];
        var number = Interlocked.Increment(ref _next);
        var issue = new Issue(number, $"{Project}-{number}", labels) { Updated = _clockStart.AddMinutes(number) };
        _issues[issue.Key] = issue;
        return Answer(201, new JsonObject { ["id"] = $"{10000 + number}", ["key"] = issue.Key, ["self"] = $"{Url}rest/api/3/issue/{issue.Key}" });
    }

    private ResponseMessage Search(IRequestMessage request)
    {
        var body = JsonNode.Parse(request.Body ?? "{}")?.AsObject() ?? [];
        var jql = body["jql"]?.GetValue<string>() ?? "";
        var max = body["maxResults"]?.GetValue<int>() ?? 50;
        var offset = int.TryParse(body["nextPageToken"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
        var marker = MarkerPattern().Match(jql);
        IEnumerable<Issue> found;
        if (marker.Success)
        {
            Counted("marker-search");
            found = _issues.Values.Where(i => i.Labels.Contains(marker.Value, StringComparer.Ordinal));
        }
        else
        {
            Counted("changed-search");
            var since = SincePattern().Match(jql) is { Success: true } m
                ? DateTimeOffset.ParseExact(m.Groups[1].Value, "yyyy'/'MM'/'dd HH':'mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : DateTimeOffset.MinValue;
            found = _issues.Values.Where(i => i.Labels.Contains("action-item", StringComparer.Ordinal) && i.Snapshot().Updated >= since);
        }

        var all = found.Select(i => i.Snapshot()).OrderBy(i => i.Updated).ThenBy(i => i.Number).ToList();
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
                    ["summary"] = $"Action item {i.Number}",
                    ["status"] = new JsonObject { ["name"] = i.Category == "done" ? "Done" : "To Do", ["statusCategory"] = new JsonObject { ["key"] = i.Category } },
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

    private ResponseMessage Unexpected(IRequestMessage request)
    {
        Counted("other");
        return Answer(404, new JsonObject { ["errorMessages"] = new JsonArray($"The fake Jira does not serve {request.Method} {request.Path}") });
    }

    [GeneratedRegex("incidentbridge-[0-9a-f]+")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"updated >= ""([^""]+)""")]
    private static partial Regex SincePattern();

    private sealed class Issue(int number, string key, string[] labels)
    {
        public int Number { get; } = number;

        public string Key { get; } = key;

        public string[] Labels { get; } = labels;

        public string Category { get; set; } = "new";

        public DateTimeOffset Updated { get; set; }

        public Lock Gate { get; } = new();

        public Issue Snapshot()
        {
            lock (Gate)
            {
                return new Issue(Number, Key, Labels) { Category = Category, Updated = Updated };
            }
        }
    }
}
