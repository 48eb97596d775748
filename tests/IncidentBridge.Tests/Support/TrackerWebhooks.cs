using System.Security.Cryptography;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// Signed Jira and GitHub webhook deliveries, shaped as the services document them, for the issue state a
/// <see cref="FakeTracker"/> reports.
/// <list type="bullet">
/// <item>Jira: Atlassian's "Webhooks" page (developer.atlassian.com/cloud/jira/platform/webhooks, "Example callback for an
/// issue-related event"): <c>timestamp</c>, <c>webhookEvent</c>, <c>issue_event_type_name</c>, <c>user</c>, <c>issue</c> in
/// the REST v2 form, <c>changelog</c>; headers <c>X-Hub-Signature</c> and <c>X-Atlassian-Webhook-Identifier</c>.</item>
/// <item>GitHub: "Webhook events and payloads", <c>issues</c> (docs.github.com/webhooks/webhook-events-and-payloads#issues), and
/// the payload examples GitHub's SDK team keeps (github.com/octokit/webhooks, payload-examples/api.github.com/issues); headers
/// <c>X-GitHub-Event</c>, <c>X-GitHub-Delivery</c> and <c>X-Hub-Signature-256</c>.</item>
/// </list>
/// </summary>
internal static class TrackerWebhooks
{
    public const string JiraSecret = "jira-webhook-secret";
    public const string GitHubSecret = "github-webhook-secret";

    /// <summary>Both endpoints on, and three owners the trackers know by id.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["IncidentBridge:Sources:Jira:WebhookSecrets:0"] = JiraSecret,
        ["IncidentBridge:Sources:GitHub:WebhookSecrets:0"] = GitHubSecret,
        ["IncidentBridge:Owners:Bob:Email"] = "bob@acme.example",
        ["IncidentBridge:Owners:Bob:JiraAccountId"] = "5b10a2844c20165700ede21g",
        ["IncidentBridge:Owners:Bob:GitHubLogin"] = "bob-gh",
        ["IncidentBridge:Owners:Carol:Email"] = "carol@acme.example",
        ["IncidentBridge:Owners:Carol:JiraAccountId"] = "5b10ac8d82e05b22cc7d4ef5",
        ["IncidentBridge:Owners:Carol:GitHubLogin"] = "carol-gh",
        ["IncidentBridge:Owners:Dave:Email"] = "dave@acme.example",
        ["IncidentBridge:Owners:Dave:JiraAccountId"] = "712020:0e99a2fa-1a1b-4b5c-9d0e-6f7a8b9c0d1e",
        ["IncidentBridge:Owners:Dave:GitHubLogin"] = "dave-gh",
    };

    public const string BobJira = "5b10a2844c20165700ede21g";
    public const string CarolJira = "5b10ac8d82e05b22cc7d4ef5";

    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static Task<HttpResponseMessage> PostJiraAsync(this HttpClient client, string body, string? deliveryId = null, string? signature = null, string secret = JiraSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/jira") { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("X-Hub-Signature", signature ?? Sign(secret, body));
        request.Headers.Add("X-Atlassian-Webhook-Identifier", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("User-Agent", "Atlassian Webhook HTTP Client");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostGitHubAsync(this HttpClient client, string body, string? eventType = "issues", string? deliveryId = null, string? signature = null, string secret = GitHubSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("X-Hub-Signature-256", signature ?? Sign(secret, body));
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        if (eventType is not null)
        {
            request.Headers.Add("X-GitHub-Event", eventType);
        }

        request.Headers.Add("User-Agent", "GitHub-Hookshot/7f3c2a1");
        return client.SendAsync(request);
    }

    /// <summary>
    /// A Jira admin webhook about <paramref name="issue"/> (its key, state, marker, assignee, due date, updated time);
    /// <paramref name="movedFrom"/> adds the changelog a move to another project carries.
    /// </summary>
    public static string Jira(string webhookEvent, TrackerIssueChange issue, string? movedFrom = null, string summary = "Fix the connection leak")
    {
        var project = issue.Key[..issue.Key.LastIndexOf('-')];
        var id = issue.IssueId?.ToString(CultureInfo.InvariantCulture) ?? "10002";
        var (category, statusName, resolution) = issue.Status switch
        {
            "in-progress" => ("indeterminate", "In Progress", null),
            "done" => ("done", "Done", "Done"),
            "not-doing" => ("done", "Done", "Won't Do"),
            _ => ("new", "To Do", (string?)null),
        };
        var body = new JsonObject
        {
            ["timestamp"] = issue.UpdatedAt.ToUnixTimeMilliseconds(),
            ["webhookEvent"] = webhookEvent,
            ["issue_event_type_name"] = webhookEvent == "jira:issue_created" ? "issue_created" : "issue_generic",
            ["user"] = User("5b10a2844c20165700ede21g", "Mia Krystof"),
            ["issue"] = new JsonObject
            {
                ["id"] = id,
                ["self"] = $"https://acme.atlassian.net/rest/api/2/issue/{id}",
                ["key"] = issue.Key,
                ["fields"] = new JsonObject
                {
                    ["issuetype"] = new JsonObject { ["self"] = "https://acme.atlassian.net/rest/api/2/issuetype/10002", ["id"] = "10002", ["name"] = "Task", ["subtask"] = false },
                    ["project"] = new JsonObject { ["self"] = $"https://acme.atlassian.net/rest/api/2/project/{project}", ["id"] = "10000", ["key"] = project, ["name"] = "Payments", ["projectTypeKey"] = "software" },
                    ["summary"] = summary,
                    ["labels"] = new JsonArray([.. new[] { "incident", "action-item", "p1", issue.Marker }.Where(l => l is not null).Select(l => (JsonNode?)JsonValue.Create(l))]),
                    ["status"] = new JsonObject
                    {
                        ["self"] = "https://acme.atlassian.net/rest/api/2/status/10000",
                        ["name"] = statusName,
                        ["id"] = "10000",
                        ["statusCategory"] = new JsonObject { ["self"] = "https://acme.atlassian.net/rest/api/2/statuscategory/2", ["id"] = 2, ["key"] = category, ["colorName"] = "blue-gray", ["name"] = statusName },
                    },
                    ["resolution"] = resolution is null ? null : new JsonObject { ["self"] = "https://acme.atlassian.net/rest/api/2/resolution/10001", ["id"] = "10001", ["name"] = resolution },
                    ["assignee"] = issue.Assignee is { } assignee ? User(assignee, "Assignee") : null,
                    ["duedate"] = issue.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["priority"] = new JsonObject { ["self"] = "https://acme.atlassian.net/rest/api/2/priority/2", ["name"] = "High", ["id"] = "2" },
                    ["created"] = "2026-11-30T09:00:00.000+0000",
                    ["updated"] = issue.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
                    ["reporter"] = User("5b10a2844c20165700ede21g", "Mia Krystof"),
                },
            },
            ["changelog"] = new JsonObject
            {
                ["id"] = "10126",
                ["items"] = movedFrom is null
                    ? new JsonArray(new JsonObject { ["field"] = "status", ["fieldtype"] = "jira", ["from"] = "10000", ["fromString"] = "To Do", ["to"] = "10001", ["toString"] = statusName })
                    : new JsonArray(
                        new JsonObject { ["field"] = "Key", ["fieldtype"] = "jira", ["from"] = null, ["fromString"] = movedFrom, ["to"] = null, ["toString"] = issue.Key },
                        new JsonObject { ["field"] = "project", ["fieldtype"] = "jira", ["from"] = "10000", ["fromString"] = movedFrom[..movedFrom.LastIndexOf('-')], ["to"] = "10001", ["toString"] = project }),
            },
        };
        return body.ToJsonString();
    }

    /// <summary>
    /// A GitHub <c>issues</c> event about <paramref name="issue"/> (key <c>owner/repo#n</c>); <paramref name="transferredTo"/>
    /// makes it <c>transferred</c>, with the new issue and repository under <c>changes</c>.
    /// </summary>
    public static string GitHub(string action, TrackerIssueChange issue, TrackerIssueChange? transferredTo = null)
    {
        var repository = issue.Key[..issue.Key.IndexOf('#')];
        var body = new JsonObject
        {
            ["action"] = action,
            ["issue"] = GitHubIssue(issue),
            ["repository"] = GitHubRepository(repository),
            ["sender"] = GitHubUser("octocat"),
        };
        if (transferredTo is not null)
        {
            body["changes"] = new JsonObject
            {
                ["new_issue"] = GitHubIssue(transferredTo),
                ["new_repository"] = GitHubRepository(transferredTo.Key[..transferredTo.Key.IndexOf('#')]),
            };
        }

        return body.ToJsonString();
    }

    /// <summary>The first delivery of a new webhook (<c>X-GitHub-Event: ping</c>).</summary>
    public static string GitHubPing() => new JsonObject
    {
        ["zen"] = "Keep it logically awesome.",
        ["hook_id"] = 109948940,
        ["hook"] = new JsonObject { ["type"] = "Repository", ["id"] = 109948940, ["name"] = "web", ["active"] = true, ["events"] = new JsonArray("issues") },
        ["repository"] = GitHubRepository("acme/payments"),
        ["sender"] = GitHubUser("octocat"),
    }.ToJsonString();

    private static JsonObject GitHubIssue(TrackerIssueChange issue)
    {
        var repository = issue.Key[..issue.Key.IndexOf('#')];
        var number = int.Parse(issue.Key[(issue.Key.IndexOf('#') + 1)..], CultureInfo.InvariantCulture);
        var closed = issue.Status is "done" or "not-doing";
        var labels = new[] { "incident", "action-item", "p1", issue.Marker, issue.Status == "in-progress" ? "in-progress" : null }.Where(l => l is not null);
        return new JsonObject
        {
            ["url"] = $"https://api.github.com/repos/{repository}/issues/{number}",
            ["repository_url"] = $"https://api.github.com/repos/{repository}",
            ["html_url"] = $"https://github.com/{repository}/issues/{number}",
            ["id"] = 444500041 + number,
            ["node_id"] = "MDU6SXNzdWU0NDQ1MDAwNDE=",
            ["number"] = number,
            ["title"] = "Fix the connection leak",
            ["user"] = GitHubUser("incidentbridge[bot]"),
            ["labels"] = new JsonArray([.. labels.Select((l, i) => (JsonNode?)new JsonObject { ["id"] = 1362934389 + i, ["name"] = l, ["color"] = "d73a4a", ["default"] = false })]),
            ["state"] = closed ? "closed" : "open",
            ["state_reason"] = issue.Status switch { "done" => "completed", "not-doing" => "not_planned", _ => null },
            ["locked"] = false,
            ["assignee"] = issue.Assignee is { } login ? GitHubUser(login) : null,
            ["assignees"] = issue.Assignee is { } one ? new JsonArray(GitHubUser(one)) : new JsonArray(),
            ["milestone"] = null,
            ["comments"] = 0,
            ["created_at"] = "2026-11-30T09:00:00Z",
            ["updated_at"] = issue.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["closed_at"] = closed ? issue.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null,
            ["author_association"] = "NONE",
            ["body"] = "Fix the connection leak\n\n<!-- incidentbridge:marker=" + issue.Marker + " -->",
        };
    }

    private static JsonObject GitHubRepository(string fullName) => new()
    {
        ["id"] = 186853002,
        ["node_id"] = "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
        ["name"] = fullName[(fullName.IndexOf('/') + 1)..],
        ["full_name"] = fullName,
        ["private"] = true,
        ["owner"] = GitHubUser(fullName[..fullName.IndexOf('/')]),
        ["html_url"] = $"https://github.com/{fullName}",
    };

    private static JsonObject GitHubUser(string login) => new()
    {
        ["login"] = login,
        ["id"] = 21031067,
        ["node_id"] = "MDQ6VXNlcjIxMDMxMDY3",
        ["avatar_url"] = "https://avatars1.githubusercontent.com/u/21031067?v=4",
        ["type"] = "User",
        ["site_admin"] = false,
    };

    private static JsonObject User(string accountId, string displayName) => new()
    {
        ["self"] = $"https://acme.atlassian.net/rest/api/2/user?accountId={accountId}",
        ["accountId"] = accountId,
        ["avatarUrls"] = new JsonObject { ["48x48"] = "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/default.png" },
        ["displayName"] = displayName,
        ["active"] = true,
        ["timeZone"] = "Europe/Berlin",
        ["accountType"] = "atlassian",
    };
}
