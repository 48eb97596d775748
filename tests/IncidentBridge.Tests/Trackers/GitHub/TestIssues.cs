namespace IncidentBridge.Tests.Trackers.GitHub;

/// <summary>Action-item issues as the dispatcher hands them to a tracker.</summary>
internal static class TestIssues
{
    public const string Marker = "incidentbridge-3f2a9c1d";

    public const string Description = "Add a disk-usage alert at 80 % for `db-*` hosts.\n\n* page the on-call\n* link the runbook [here](https://wiki/runbook)";

    public static NewTrackerIssue ActionItem(string? login = "alice", bool done = false, string marker = Marker, string priority = "P1") => new(
        marker,
        "Add a disk-usage alert",
        new IssueContent(
            Description,
            "detect",
            "Alice Example",
            "inc-42",
            "Checkout latency",
            "pm-7",
            "Postmortem: checkout latency",
            "https://incidentbridge.example/api/incidents/inc-42",
            "https://incidentbridge.example/api/postmortems/pm-7"),
        ["incident", "action-item", priority, marker],
        priority,
        new DateOnly(2025, 3, 1),
        new TrackerAssignee("alice@example.com", null, login),
        done ? "done" : "open");
}
