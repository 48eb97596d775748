using IncidentBridge.Trackers.GitHub;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock;
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
        Server.Given(Request.Create().WithPath(IssuesPath).UsingPost()).AtPriority(10).RespondWith(delay is { } d ? response.WithDelay(d) : response);
    }

    public void RespondToUpdate(int number, JsonObject issue) =>
        Server.Given(Request.Create().WithPath($"{IssuesPath}/{number}").UsingPatch()).AtPriority(10).RespondWith(Json(200, issue));

    /// <summary>Answers a PATCH of issue <paramref name="number"/> in another repository (<c>owner/name</c>).</summary>
    public void RespondToUpdate(string repository, int number, JsonObject issue) =>
        Server.Given(Request.Create().WithPath($"/api/v3/repos/{repository}/issues/{number}").UsingPatch()).RespondWith(Json(200, issue));

    public void RespondToGet(int number, JsonObject issue) =>
        Server.Given(Request.Create().WithPath($"{IssuesPath}/{number}").UsingGet()).RespondWith(Json(200, issue));

    /// <summary>Answers a GET of issue <paramref name="number"/> in another repository (<c>owner/name</c>).</summary>
    public void RespondToGet(string repository, int number, JsonObject issue) =>
        Server.Given(Request.Create().WithPath($"/api/v3/repos/{repository}/issues/{number}").UsingGet()).RespondWith(Json(200, issue));

    /// <summary>Answers the issue's comments: <paramref name="firstPage"/>, and <paramref name="secondPage"/> behind a <c>Link</c> when given.</summary>
    public void RespondToComments(int number, JsonObject[] firstPage, JsonObject[]? secondPage = null)
    {
        var path = $"{IssuesPath}/{number}/comments";
        var first = Json(200, new JsonArray([.. firstPage]));
        if (secondPage is not null)
        {
            first = first.WithHeader("Link", $"<{Server.Urls[0]}{path}?per_page=100&page=2>; rel=\"next\"");
            Server.Given(Request.Create().WithPath(path).UsingGet().WithParam("page", "2")).AtPriority(5)
                .RespondWith(Json(200, new JsonArray([.. secondPage])));
        }

        Server.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(10).RespondWith(first);
    }

    public void RespondToNewComment(int number) =>
        Server.Given(Request.Create().WithPath($"{IssuesPath}/{number}/comments").UsingPost())
            .RespondWith(Json(201, new JsonObject { ["id"] = 1, ["body"] = "comment" }));

    public void RespondToNewLabel(int number, string label) =>
        Server.Given(Request.Create().WithPath($"{IssuesPath}/{number}/labels").UsingPost())
            .RespondWith(Json(200, new JsonArray(new JsonObject { ["id"] = 1, ["name"] = label })));

    public void RespondToMarkerSearch(string marker, params JsonObject[] issues) =>
        Server.Given(Request.Create().WithPath(IssuesPath).UsingGet().WithParam("labels", marker).WithParam("state", "all"))
            .RespondWith(Json(200, new JsonArray([.. issues])));

    /// <summary>
    /// Answers the status-sync listing (<c>labels=action-item</c>) with <paramref name="issues"/>: the first page when
    /// <paramref name="page"/> is null, else that page; a <c>Link</c> to <paramref name="nextPage"/> when given.
    /// </summary>
    public void RespondToListing(JsonObject[] issues, int? page = null, int? nextPage = null, string? etag = null)
    {
        var request = Request.Create().WithPath(IssuesPath).UsingGet().WithParam("labels", TrackerLabels.ActionItem);
        var response = Json(200, new JsonArray([.. issues]));
        if (nextPage is { } next)
        {
            response = response.WithHeader("Link", $"<{Server.Urls[0]}{IssuesPath}?labels=action-item&state=all&sort=updated&direction=asc&per_page=100&page={next}>; rel=\"next\"");
        }

        if (etag is not null)
        {
            response = response.WithHeader("ETag", etag);
        }

        // A numbered page is more specific than the first page, whose mapping would match it too.
        Server.Given(page is { } p ? request.WithParam("page", p.ToString(CultureInfo.InvariantCulture)) : request)
            .AtPriority(page is null ? 10 : 5)
            .RespondWith(response);
    }

    /// <summary>Answers the listing with 304 when it carries <c>If-None-Match: <paramref name="etag"/></c>.</summary>
    public void RespondNotModified(string etag) =>
        Server.Given(Request.Create().WithPath(IssuesPath).UsingGet().WithHeader("If-None-Match", etag))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(304).WithHeader("ETag", etag));

    /// <summary>The label and comment writes of an overdue flag, on an issue with <paramref name="comments"/> so far.</summary>
    public void RespondToOverdueFlag(int number, params JsonObject[] comments)
    {
        RespondToNewLabel(number, TrackerLabels.Overdue);
        RespondToComments(number, comments);
        RespondToNewComment(number);
    }

    /// <summary>
    /// Answers a create (<paramref name="number"/> null) or an edit of issue <paramref name="number"/> that assigns
    /// alice as GitHub does for a login it cannot assign: 422 with a field error on <c>assignees</c>. It takes
    /// precedence over <see cref="RespondToCreate"/> and <see cref="RespondToUpdate(int, JsonObject)"/>, which answer the rest.
    /// </summary>
    public void RefuseAssignees(int? number = null)
    {
        var request = number is { } n ? Request.Create().WithPath($"{IssuesPath}/{n}").UsingPatch() : Request.Create().WithPath(IssuesPath).UsingPost();
        Server.Given(request.WithBody(new JsonPartialMatcher(new JsonObject { ["assignees"] = new JsonArray("alice") }.ToJsonString())))
            .AtPriority(1)
            .RespondWith(Json(422, new JsonObject
            {
                ["message"] = "Validation Failed",
                ["errors"] = new JsonArray(new JsonObject { ["value"] = "alice", ["resource"] = "Issue", ["field"] = "assignees", ["code"] = "invalid" }),
                ["documentation_url"] = "https://docs.github.com/rest/issues/issues#create-an-issue",
            }));
    }

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

    /// <summary>
    /// Answers every call <paramref name="status"/>, as GitHub does once issue #40 is deleted or transferred, and
    /// asserts <paramref name="call"/> on it is rejected saying so.
    /// </summary>
    public async Task AssertRejectedAsDeletedAsync(int status, string message, Func<GitHubTracker, Task> call)
    {
        FailEverything(status, message);

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(() => call(Tracker()));

        Assert.Contains("issue acme/payments#40 was deleted or transferred", error.Message, StringComparison.Ordinal);
    }

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

    public static JsonObject Issue(int number, string state = "open", string? body = null, string[]? labels = null, string[]? assignees = null, string? stateReason = null, string repository = "acme/payments") => new()
    {
        ["id"] = 1000 + number,
        ["number"] = number,
        ["html_url"] = $"https://ghe.example.com/{repository}/issues/{number}",
        ["state"] = state,
        ["state_reason"] = stateReason,
        ["title"] = "Add a disk-usage alert",
        ["body"] = body,
        ["labels"] = new JsonArray([.. (labels ?? []).Select(l => (JsonNode)new JsonObject { ["name"] = l })]),
        ["assignees"] = new JsonArray([.. (assignees ?? []).Select(a => (JsonNode)new JsonObject { ["login"] = a })]),
    };

    /// <summary>An issue as the listing returns it, with <c>updated_at</c> and <c>state_reason</c>.</summary>
    public static JsonObject Changed(int number, string updatedAt, string state = "open", string? stateReason = null, string[]? labels = null)
    {
        var issue = Issue(number, state: state, labels: labels, stateReason: stateReason);
        issue["updated_at"] = updatedAt;
        return issue;
    }

    public static JsonObject Comment(long id, string body) => new() { ["id"] = id, ["body"] = body };

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
