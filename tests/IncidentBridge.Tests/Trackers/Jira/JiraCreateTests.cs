namespace IncidentBridge.Tests.Trackers.Jira;

public sealed class JiraCreateTests
{
    private const string IssuePath = "/rest/api/3/issue";

    [Fact]
    public async Task Create_sends_an_ADF_description_with_the_verbatim_text_labels_due_date_priority_and_assignee_account_id()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-12");

        var issue = await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee("alice@example.com", "5b10ac8d82e05b22cc7d4ef5", null)), CancellationToken.None);

        Assert.Equal(new TrackerIssue("PAY-12", jira.Mock.Url + "/browse/PAY-12", "open"), issue);
        var fields = jira.SingleBody("POST", IssuePath).GetProperty("fields");
        Assert.Equal("PAY", fields.GetProperty("project").GetProperty("key").GetString());
        Assert.Equal("Add a canary for payments-api", fields.GetProperty("summary").GetString());
        Assert.Equal("Task", fields.GetProperty("issuetype").GetProperty("name").GetString());
        var description = fields.GetProperty("description");
        Assert.Equal("doc", description.GetProperty("type").GetString());
        Assert.Equal(1, description.GetProperty("version").GetInt32());
        var first = description.GetProperty("content")[0];
        Assert.Equal("paragraph", first.GetProperty("type").GetString());
        Assert.Equal(JiraIssues.Description, first.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Contains("INC-42 — Checkout errors", description.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("https://bridge.example.com/api/incidents/INC-42", description.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("could not be matched", description.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["incident", "action-item", "p1", "team-payments", JiraIssues.Marker], fields.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("2025-03-14", fields.GetProperty("duedate").GetString());
        Assert.Equal("High", fields.GetProperty("priority").GetProperty("name").GetString());
        Assert.Equal("5b10ac8d82e05b22cc7d4ef5", fields.GetProperty("assignee").GetProperty("accountId").GetString());
        Assert.Empty(jira.Requests("GET", "/rest/api/3/user/search"));
        jira.AssertRequestsFitTheOpenApiDocument();
    }

    [Fact]
    public async Task Create_records_the_marker_as_an_entity_property()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-12");

        await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None);

        var property = Assert.Single(jira.SingleBody("POST", IssuePath).GetProperty("properties").EnumerateArray());
        Assert.Equal("incidentbridge", property.GetProperty("key").GetString());
        Assert.Equal(JiraIssues.Marker, property.GetProperty("value").GetProperty("marker").GetString());
    }

    [Fact]
    public async Task Create_authenticates_with_email_and_api_token()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-12");

        await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None);

        var request = Assert.Single(jira.Requests("POST", IssuePath));
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{JiraServer.Email}:{JiraServer.ApiToken}"));
        Assert.Equal(expected, JiraServer.Header(request, "Authorization"));
    }

    [Fact]
    public async Task Assignee_is_looked_up_by_email_when_no_account_id_is_known()
    {
        using var jira = JiraServer.Cloud()
            .AnswersUserSearch(new[] { new { accountId = "712020:abc", accountType = "atlassian", displayName = "Alice", active = true } })
            .AnswersCreate("PAY-13");

        await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee("alice@example.com", null, null)), CancellationToken.None);

        var search = Assert.Single(jira.Requests("GET", "/rest/api/3/user/search"));
        Assert.Equal("alice@example.com", JiraServer.Query(search, "query"));
        var fields = jira.SingleBody("POST", IssuePath).GetProperty("fields");
        Assert.Equal("712020:abc", fields.GetProperty("assignee").GetProperty("accountId").GetString());
    }

    [Fact]
    public async Task Issue_is_unassigned_with_a_note_when_no_user_matches_the_email()
    {
        using var jira = JiraServer.Cloud().AnswersUserSearch(Array.Empty<object>()).AnswersCreate("PAY-14");

        await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee("nobody@example.com", null, null)), CancellationToken.None);

        var fields = jira.SingleBody("POST", IssuePath).GetProperty("fields");
        Assert.False(fields.TryGetProperty("assignee", out _));
        Assert.Contains("Owner could not be matched to a Jira user", fields.GetProperty("description").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_is_unassigned_when_the_email_matches_several_users()
    {
        using var jira = JiraServer.Cloud()
            .AnswersUserSearch(new[] { new { accountId = "1", active = true }, new { accountId = "2", active = true } })
            .AnswersCreate("PAY-14");

        await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee("team@example.com", null, null)), CancellationToken.None);

        Assert.False(jira.SingleBody("POST", IssuePath).GetProperty("fields").TryGetProperty("assignee", out _));
    }

    [Fact]
    public async Task Route_components_issue_type_and_custom_fields_are_sent_as_given()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-17");
        using var sprint = JsonDocument.Parse("""{"id":"10"}""");
        var target = JiraIssues.Target() with
        {
            IssueType = "Bug",
            Components = ["checkout"],
            CustomFields = new Dictionary<string, JsonElement> { ["customfield_10020"] = sprint.RootElement.Clone() },
        };

        await jira.Tracker.CreateAsync(target, JiraIssues.New(), CancellationToken.None);

        var fields = jira.SingleBody("POST", IssuePath).GetProperty("fields");
        Assert.Equal("Bug", fields.GetProperty("issuetype").GetProperty("name").GetString());
        Assert.Equal("checkout", Assert.Single(fields.GetProperty("components").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("10", fields.GetProperty("customfield_10020").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Long_multiline_title_becomes_a_single_line_summary_of_255_characters()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-18");
        var issue = JiraIssues.New() with { Title = "First line\n" + new string('x', 400) };

        await jira.Tracker.CreateAsync(JiraIssues.Target(), issue, CancellationToken.None);

        var summary = jira.SingleBody("POST", IssuePath).GetProperty("fields").GetProperty("summary").GetString() ?? "";
        Assert.Equal(255, summary.Length);
        Assert.StartsWith("First line x", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_jira_refuses_to_assign_is_left_unassigned_with_a_note()
    {
        using var jira = JiraServer.Cloud().AnswersCreate("PAY-19");
        jira.Mock.Given(Request.Create().WithPath(IssuePath).UsingPost().WithBody(new JsonPartialMatcher(new { fields = new { assignee = new { accountId = "acc-1" } } })))
            .AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { errorMessages = Array.Empty<string>(), errors = new { assignee = "User 'acc-1' cannot be assigned issues." } }));

        var issue = await jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee(null, "acc-1", null)), CancellationToken.None);

        Assert.Equal("PAY-19", issue.Key);
        Assert.Equal("Owner alice could not be assigned in Jira: User 'acc-1' cannot be assigned issues.", issue.Note);
        var creates = jira.Bodies("POST", IssuePath);
        Assert.Equal(2, creates.Count);
        var fields = creates[1].GetProperty("fields");
        Assert.False(fields.TryGetProperty("assignee", out _));
        Assert.Contains("alice (could not be assigned in Jira)", fields.GetProperty("description").GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("could not be matched", fields.GetProperty("description").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_Center_owner_jira_refuses_to_assign_is_named_in_the_wiki_description()
    {
        using var jira = JiraServer.DataCenter("pat-456").AnswersCreate("OPS-7", api: "2");
        jira.Mock.Given(Request.Create().WithPath("/rest/api/2/issue").UsingPost().WithBody(new JsonPartialMatcher(new { fields = new { assignee = new { name = "asmith" } } })))
            .AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { errors = new { assignee = "User 'asmith' cannot be assigned issues." } }));

        var issue = await jira.Tracker.CreateAsync(JiraIssues.Target("OPS"), JiraIssues.New(new TrackerAssignee(null, "asmith", null)), CancellationToken.None);

        Assert.NotNull(issue.Note);
        var description = jira.Bodies("POST", "/rest/api/2/issue")[1].GetProperty("fields").GetProperty("description").GetString();
        Assert.Contains("*Owner:* alice (could not be assigned in Jira)", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_refused_for_another_field_is_not_sent_again()
    {
        using var jira = JiraServer.Cloud().Answers("POST", IssuePath, 400, """{"errorMessages":[],"errors":{"priority":"Field 'priority' cannot be set."}}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(new TrackerAssignee(null, "acc-1", null)), CancellationToken.None));

        Assert.Contains("priority: Field 'priority' cannot be set.", error.Message, StringComparison.Ordinal);
        Assert.Single(jira.Requests("POST", IssuePath));
    }

    [Fact]
    public async Task Refused_assignee_without_an_assignee_sent_is_rejected_as_it_came()
    {
        using var jira = JiraServer.Cloud().Answers("POST", IssuePath, 400, """{"errors":{"assignee":"Field 'assignee' is required."}}""");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => jira.Tracker.CreateAsync(JiraIssues.Target(), JiraIssues.New(), CancellationToken.None));

        Assert.Contains("assignee: Field 'assignee' is required.", error.Message, StringComparison.Ordinal);
        Assert.Single(jira.Requests("POST", IssuePath));
    }
}
