using IncidentBridge.Tests.Trackers.GitHub;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>Postmortem to GitHub issue through the dispatcher and the Octokit adapter, against a WireMock GitHub Enterprise Server.</summary>
public sealed class GitHubEndToEndTests : IDisposable
{
    private readonly GitHubFake _github = new();

    public void Dispose() => _github.Dispose();

    [Fact]
    public async Task Secondary_rate_limit_delays_the_issue_which_is_then_created_once()
    {
        _github.Server.Given(Request.Create().WithPath(GitHubFake.IssuesPath).UsingGet()).RespondWith(
            Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("[]"));
        _github.Server.Given(Request.Create().WithPath(GitHubFake.IssuesPath).UsingPost()).InScenario("limit").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "1")
                .WithBody("""{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest"}"""));
        _github.Server.Given(Request.Create().WithPath(GitHubFake.IssuesPath).UsingPost()).InScenario("limit").WhenStateIs("open")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(GitHubFake.Issue(7).ToJsonString()));
        await using var worker = Worker();

        var item = await SyncedItemAsync(worker, PostmortemJson.Published().WithItem("1", "Add a disk-usage alert\nwith a runbook link", "Bob"));

        Assert.Equal("acme/payments#7", item.GetProperty("trackerKey").GetString());
        Assert.Equal("https://ghe.example.com/acme/payments/issues/7", item.GetProperty("trackerUrl").GetString());
        var creates = _github.Bodies("POST", GitHubFake.IssuesPath);
        Assert.Equal(2, creates.Count);
        var body = creates[1];
        Assert.Contains("Add a disk-usage alert\nwith a runbook link", body.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("<!-- incidentbridge:marker=incidentbridge-", body.GetProperty("body").GetString(), StringComparison.Ordinal);
        var labels = body.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("team-payments", labels);
        Assert.Contains("action-item", labels);
        Assert.Equal(["bob-gh"], body.GetProperty("assignees").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Done_item_is_created_open_and_then_closed_as_completed()
    {
        _github.RespondToCreate(GitHubFake.Issue(7));
        _github.RespondToGet(7, GitHubFake.Issue(7));
        _github.RespondToUpdate(7, GitHubFake.Issue(7, state: "closed", stateReason: "completed"));
        await using var worker = Worker();

        var item = await SyncedItemAsync(worker, PostmortemJson.Published().WithItem("1", "Add a disk-usage alert", "Bob", status: "done"));

        Assert.Equal("acme/payments#7", item.GetProperty("trackerKey").GetString());
        var create = Assert.Single(_github.Bodies("POST", GitHubFake.IssuesPath));
        Assert.False(create.TryGetProperty("state", out _), "a create only creates");
        var close = Assert.Single(_github.Bodies("PATCH", $"{GitHubFake.IssuesPath}/7"));
        Assert.Equal("closed", close.GetProperty("state").GetString());
        Assert.Equal("completed", close.GetProperty("state_reason").GetString());
    }

    /// <summary>The postmortem's one item once it has its issue; the incident it is posted for is opened first.</summary>
    private static async Task<JsonElement> SyncedItemAsync(WorkerFactory worker, PostmortemJson postmortem)
    {
        await new IncidentsClient(worker).AlertsAsync("g", Firing("a1", T0));
        await worker.CreateApiClient().PostAsync("/api/incidents/INC-2026-0001/postmortem", new StringContent(
            postmortem.ToString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

        var items = await Eventually.UntilAsync(
            async () => (await (await worker.CreateApiClient().GetAsync("/api/action-items")).JsonAsync()).GetProperty("items").EnumerateArray().ToList(),
            list => list.Count == 1 && list[0].GetProperty("syncState").GetString() == "synced",
            "the item is synced",
            TimeSpan.FromSeconds(20));
        return items[0];
    }

    private WorkerFactory Worker() => new(new Dictionary<string, string?>
    {
        ["IncidentBridge:Trackers:GitHub:BaseUrl"] = _github.Server.Urls[0] + "/",
        ["IncidentBridge:Trackers:GitHub:Token"] = GitHubFake.Token,
        ["IncidentBridge:Trackers:GitHub:CreatesPerMinute"] = "6000",
        ["IncidentBridge:Routing:Rules:0:Match:service"] = "checkout",
        ["IncidentBridge:Routing:Rules:0:Tracker"] = "GitHub",
        ["IncidentBridge:Routing:Rules:0:Repository"] = "acme/payments",
        ["IncidentBridge:Routing:Rules:0:Labels:0"] = "team-payments",
        ["IncidentBridge:Owners:Bob:GitHubLogin"] = "bob-gh",
    });
}
