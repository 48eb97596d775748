namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>Builders for what the dispatcher hands the tracker, and for what Jira answers about its issues.</summary>
internal static class JiraIssues
{
    public const string Marker = "incidentbridge-0123456789abcdef0123";

    public const string Description = "Add a *canary* for the payments-api rollout; see runbook §4 \"Rollback\" <now>.";

    /// <summary>A search hit as status sync asks for it: status (with a name that says nothing), labels and updated time.</summary>
    public static object Changed(string key, string category = "new", string updated = "2025-03-14T10:15:30.000+0000", params string[] labels) =>
        new { id = "1", key, fields = new { status = new { name = "Closed", statusCategory = new { key = category } }, labels, updated } };

    public static TrackerTarget Target(string project = "PAY") =>
        new("Jira", project, null, null, [], [], new Dictionary<string, JsonElement>());

    /// <summary>An item as the dispatcher hands it over: its labels already hold the lowercase priority and the marker.</summary>
    public static NewTrackerIssue New(TrackerAssignee? assignee = null, bool done = false) =>
        new(
            Marker,
            "Add a canary for payments-api",
            new IssueContent(
                Description,
                "prevent",
                "alice",
                "INC-42",
                "Checkout errors",
                "PM-7",
                "Checkout outage postmortem",
                "https://bridge.example.com/api/incidents/INC-42",
                null),
            ["incident", "action-item", "p1", "team payments", Marker],
            "P1",
            new DateOnly(2025, 3, 14),
            assignee,
            done ? "done" : "open");

    /// <summary>A Cloud comment as <c>GET …/comment?expand=properties</c> lists it: an ADF paragraph, and properties when given.</summary>
    public static object Comment(string id, string text, params object[] properties) =>
        new
        {
            id,
            body = new { type = "doc", version = 1, content = new[] { new { type = "paragraph", content = new[] { new { type = "text", text } } } } },
            properties,
        };

    /// <summary>The comment property IncidentBridge writes with <paramref name="hiddenId"/>.</summary>
    public static object MarkerProperty(string hiddenId) => new { key = "incidentbridge", value = new { id = hiddenId } };
}
