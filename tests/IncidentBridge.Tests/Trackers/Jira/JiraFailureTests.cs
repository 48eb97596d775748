namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>How Jira's failures reach the dispatcher, and which ones the handler retries.</summary>
public sealed class JiraFailureTests
{
    private const string IssuePath = "/rest/api/3/issue";
    private const string SearchPath = "/rest/api/3/search/jql";

    [Fact]
    public async Task Bad_request_with_field_errors_is_rejected_with_Jiras_own_text()
    {
        using var jira = JiraServer.Cloud().Answers("POST", IssuePath, 400, """
            {"errorMessages":["Issue type is not valid for project PAY."],"errors":{"customfield_10020":"Sprint is required.","priority":"Field 'priority' cannot be set. It is not on the appropriate screen, or unknown."}}
            """);

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));

        Assert.Contains("Issue type is not valid for project PAY.", error.Message, StringComparison.Ordinal);
        Assert.Contains("customfield_10020: Sprint is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("priority: Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task Refused_or_missing_project_is_rejected_with_the_status_and_body(int status)
    {
        using var jira = JiraServer.Cloud().Answers("POST", IssuePath, status, """{"errorMessages":["No project could be found with key 'PAY'."]}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));

        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("No project could be found with key 'PAY'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limit_429_with_Retry_After_surfaces_the_wait()
    {
        using var jira = JiraServer.Cloud().Answers("POST", IssuePath, 429, retryAfter: "7");

        var error = await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public async Task Create_answered_503_is_not_retried_by_the_handler_and_surfaces_as_unavailable()
    {
        using var jira = JiraServer.Cloud().Answers("POST", IssuePath, 503);

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));

        Assert.Single(jira.Requests("POST", IssuePath));
    }

    [Fact]
    public async Task Search_answered_503_then_200_is_retried_and_succeeds()
    {
        using var jira = JiraServer.Cloud();
        jira.Mock.Given(Request.Create().WithPath(SearchPath).UsingPost()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(503));
        jira.Mock.Given(Request.Create().WithPath(SearchPath).UsingPost()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { issues = new[] { new { key = "PAY-3", fields = new { status = new { statusCategory = new { key = "new" } } } } }, isLast = true }));

        var issue = (await jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None)).FirstOrDefault();

        Assert.Equal("PAY-3", issue?.Key);
        Assert.Equal(2, jira.Requests("POST", SearchPath).Count);
    }

    [Fact]
    public async Task User_lookup_answered_503_then_200_is_retried_and_succeeds()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-4");
        const string UserSearch = "/rest/api/3/user/search";
        jira.Mock.Given(Request.Create().WithPath(UserSearch).UsingGet()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(503));
        jira.Mock.Given(Request.Create().WithPath(UserSearch).UsingGet()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new[] { new { accountId = "acc-9", active = true } }));

        await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee("alice@example.com", null, null)), CancellationToken.None);

        Assert.Equal(2, jira.Requests("GET", UserSearch).Count);
        Assert.Equal("acc-9", jira.SingleBody("POST", IssuePath).GetProperty("fields").GetProperty("assignee").GetProperty("accountId").GetString());
    }

    [Fact]
    public async Task Search_keeps_failing_after_the_configured_retries_and_surfaces_as_unavailable()
    {
        using var jira = JiraServer.Cloud(("MaxRetryAttempts", "1")).Answers("POST", SearchPath, 500);

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None));

        Assert.Equal(2, jira.Requests("POST", SearchPath).Count);
    }

    [Fact]
    public async Task Long_Retry_After_is_not_waited_for_in_process()
    {
        using var jira = JiraServer.Cloud().Answers("POST", SearchPath, 429, retryAfter: "120");

        var error = await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(jira.Requests("POST", SearchPath));
    }

    [Fact]
    public async Task Create_that_times_out_surfaces_as_unavailable_after_the_attempt_timeout()
    {
        using var jira = JiraServer.Cloud(("Timeout", "00:00:00.200"));
        jira.Mock.Given(Request.Create().WithPath(IssuePath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithDelay(TimeSpan.FromSeconds(3)).WithBodyAsJson(new { id = "1", key = "PAY-1" }));

        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"gave up after {clock.Elapsed}, not after one 200 ms attempt");
    }

    [Fact]
    public async Task Unreachable_Jira_surfaces_as_unavailable()
    {
        using var jira = JiraServer.Cloud(("BaseUrl", "http://127.0.0.1:1/"), ("MaxRetryAttempts", "0"));

        await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_mistaken_for_an_outage()
    {
        using var jira = JiraServer.Cloud();
        jira.Mock.Given(Request.Create().WithPath(IssuePath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithDelay(TimeSpan.FromSeconds(3)).WithBodyAsJson(new { id = "1", key = "PAY-1" }));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), cancellation.Token));
    }

    [Fact]
    public async Task Changed_since_429_with_a_short_Retry_After_is_retried_in_process_and_counted()
    {
        using var jira = JiraServer.Cloud();
        jira.Mock.Given(Request.Create().WithPath(SearchPath).UsingPost()).InScenario("limited").WillSetStateTo("allowed")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        jira.Mock.Given(Request.Create().WithPath(SearchPath).UsingPost()).InScenario("limited").WhenStateIs("allowed")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { issues = new[] { JiraIssues.Changed("PAY-3") }, isLast = true }));

        var changes = await jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), null, [], CancellationToken.None);

        Assert.Equal("PAY-3", Assert.Single(changes.Issues).Key);
        Assert.Equal(2, changes.Requests);
        Assert.Equal(2, jira.Requests("POST", SearchPath).Count);
    }

    [Fact]
    public async Task Changed_since_429_with_a_long_Retry_After_surfaces_the_wait_without_retrying()
    {
        using var jira = JiraServer.Cloud().Answers("POST", SearchPath, 429, retryAfter: "120");

        var error = await Assert.ThrowsAsync<TrackerUnavailableException>(
            () => jira.Tracker.GetChangedSinceAsync(JiraIssues.Target(), null, [], CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(jira.Requests("POST", SearchPath));
    }
}
