using System.Net.Http.Json;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// The fake Jira the end-to-end tests and the bench run against (TestSupport's <see cref="FakeJira"/>): the outages it
/// plays and the searches it answers must be the ones they assume.
/// </summary>
public sealed class FakeJiraTests : IDisposable
{
    private readonly FakeJira _jira = new();
    private readonly HttpClient _http;

    public FakeJiraTests() => _http = new HttpClient { BaseAddress = new Uri(_jira.Url) };

    public void Dispose()
    {
        _http.Dispose();
        _jira.Dispose();
    }

    [Fact]
    public async Task A_lost_create_makes_the_issue_but_answers_only_once_the_fake_stops()
    {
        _jira.FailCreates("lost");

        var create = CreateAsync("incidentbridge-0a1b");

        await Eventually.UntilAsync(() => Task.FromResult(_jira.IssueCount), count => count == 1, "the issue is made");
        await Assert.ThrowsAsync<TimeoutException>(() => create.WaitAsync(TimeSpan.FromMilliseconds(300)));
        _jira.Dispose();
        Assert.Equal(HttpStatusCode.Created, (await create).StatusCode);
        Assert.Equal(1, _jira.CreateCalls);
    }

    [Fact]
    public async Task Failed_creates_answer_503_then_429_with_its_retry_after_and_make_no_issue()
    {
        _jira.FailCreates("503", "429:7");

        var unavailable = await CreateAsync("incidentbridge-0a1b");
        var limited = await CreateAsync("incidentbridge-0a1b");
        var created = await CreateAsync("incidentbridge-0a1b");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("7", Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Single(_jira.Issues);
        Assert.Equal(3, _jira.CreateRequestTimes().Count);
    }

    [Fact]
    public async Task Marker_search_finds_the_issue_that_carries_the_marker_and_shows_it_done_after_a_transition()
    {
        await CreateAsync("incidentbridge-0a1b");
        var key = (await (await CreateAsync("incidentbridge-2c3d")).Content.ReadFromJsonAsync<JsonObject>())?["key"]?.GetValue<string>();

        (await _http.PostAsJsonAsync($"rest/api/3/issue/{key}/transitions", new { transition = new { id = "31" } })).EnsureSuccessStatusCode();
        var found = await SearchAsync("""labels = "incidentbridge-2c3d" """);

        var issue = Assert.Single(Issues(found));
        Assert.Equal(key, issue["key"]?.GetValue<string>());
        Assert.Equal("done", issue["fields"]?["status"]?["statusCategory"]?["key"]?.GetValue<string>());
        Assert.Equal(1, _jira.Transitions(key ?? ""));
        Assert.Equal(1, _jira.Count("marker-search"));
    }

    [Fact]
    public async Task Changed_search_pages_through_the_action_items_updated_since_its_date()
    {
        foreach (var marker in new[] { "incidentbridge-01", "incidentbridge-02", "incidentbridge-03", "incidentbridge-04" })
        {
            await CreateAsync(marker);
        }

        var changed = _jira.ChangeSome(0.5);
        var since = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy'/'MM'/'dd HH':'mm", CultureInfo.InvariantCulture);
        var jql = $"""labels = "action-item" AND updated >= "{since}" ORDER BY updated ASC""";
        var first = await SearchAsync(jql, maxResults: 1);
        var second = await SearchAsync(jql, maxResults: 1, first["nextPageToken"]?.GetValue<string>());

        Assert.Equal(2, changed);
        Assert.Equal(["PAY-2", "PAY-4"], Issues(first).Concat(Issues(second)).Select(i => i["key"]?.GetValue<string>()));
        Assert.False(first["isLast"]?.GetValue<bool>());
        Assert.True(second["isLast"]?.GetValue<bool>());
        Assert.Equal(2, _jira.Count("changed-search"));
    }

    private Task<HttpResponseMessage> CreateAsync(string marker) =>
        _http.PostAsJsonAsync("rest/api/3/issue", new { fields = new { summary = $"Fix {marker}", labels = new[] { "action-item", marker } } });

    private async Task<JsonObject> SearchAsync(string jql, int maxResults = 50, string? nextPageToken = null)
    {
        using var response = await _http.PostAsJsonAsync("rest/api/3/search/jql", new { jql, maxResults, nextPageToken });
        return await response.Content.ReadFromJsonAsync<JsonObject>() ?? [];
    }

    private static IEnumerable<JsonNode> Issues(JsonObject page) => page["issues"]?.AsArray().OfType<JsonNode>() ?? [];
}
