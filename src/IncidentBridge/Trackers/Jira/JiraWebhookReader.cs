namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// Reads Jira admin webhooks (docs/PROTOCOLS.md, Jira): <c>jira:issue_created</c>, <c>jira:issue_updated</c> and
/// <c>jira:issue_deleted</c>, each about one issue in the REST v2 form. An update whose changelog changes the issue's
/// <c>Key</c> is a move to another project. Any other event (a comment, a worklog, a project's) is well-formed and about
/// nothing IncidentBridge follows: stored and ignored.
/// </summary>
internal sealed class JiraWebhookReader(IOptions<JiraOptions> options) : ITrackerWebhookReader
{
    public string Source => SourceKinds.Jira;

    public Parsed<TrackerWebhook> Read(ReadOnlySpan<byte> body, string? eventType)
    {
        var read = Parsed<JiraWebhookBody>.FromJson(body, JiraJsonContext.Wire.JiraWebhookBody, "The body is JSON null; a Jira webhook sends an object.");
        if (!read.Ok)
        {
            return new(null, read.Error);
        }

        var hook = read.Value;

        if (string.IsNullOrWhiteSpace(hook.WebhookEvent))
        {
            return Parsed<TrackerWebhook>.Fail("webhookEvent", "A Jira webhook names its event in webhookEvent (jira:issue_updated, …).");
        }

        TrackerEventKind? kind = hook.WebhookEvent switch
        {
            "jira:issue_created" or "jira:issue_updated" => TrackerEventKind.Changed,
            "jira:issue_deleted" => TrackerEventKind.Deleted,
            _ => null,
        };
        if (kind is not { } known)
        {
            return Parsed<TrackerWebhook>.Success(new TrackerWebhook(null));
        }

        if (hook.Issue is not { } issue)
        {
            return Parsed<TrackerWebhook>.Fail("issue", $"A {hook.WebhookEvent} event carries the issue it is about.");
        }

        if (string.IsNullOrWhiteSpace(issue.Key))
        {
            return Parsed<TrackerWebhook>.Fail("issue.key", $"A {hook.WebhookEvent} event names its issue's key (PAY-12).");
        }

        var raised = hook.Timestamp is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        if (JiraIssueReadings.Of(issue, options.Value.BrowseUrl(issue.Key), raised) is not { } reading)
        {
            return Parsed<TrackerWebhook>.Fail("issue.fields.updated", "The issue carries no readable updated time, and the event no timestamp.");
        }

        var project = issue.Fields?.Project?.Key ?? ProjectOf(issue.Key);
        var previousKey = hook.Changelog?.Items?
            .FirstOrDefault(i => i is not null && string.Equals(i.Field, "Key", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(i.From) && i.From != issue.Key)?.From;
        var evt = known == TrackerEventKind.Changed && previousKey is not null
            ? new TrackerEvent(TrackerNames.Jira, TrackerEventKind.Moved, project, reading, previousKey, ProjectOf(previousKey))
            : new TrackerEvent(TrackerNames.Jira, known, project, reading);
        return Parsed<TrackerWebhook>.Success(new TrackerWebhook(evt));
    }

    /// <summary>PAY-12 → PAY.</summary>
    private static string ProjectOf(string key) => key.LastIndexOf('-') is var dash and > 0 ? key[..dash] : key;
}
