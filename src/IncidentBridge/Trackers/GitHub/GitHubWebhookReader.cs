using System.Text.Json.Serialization;

namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// Reads GitHub webhooks (docs/PROTOCOLS.md, GitHub). Only <c>X-GitHub-Event: issues</c> is about an issue: <c>deleted</c>
/// is a deletion, <c>transferred</c> a move to another repository (<c>changes.new_issue</c>, <c>changes.new_repository</c>),
/// every other action (opened, edited, closed, reopened, assigned, labeled…) a change whose issue is read as it is now.
/// <c>ping</c> and any other event type are well-formed deliveries about nothing followed: stored and ignored.
/// </summary>
internal sealed class GitHubWebhookReader : ITrackerWebhookReader
{
    public const string EventHeader = "X-GitHub-Event";

    public string Source => SourceKinds.GitHub;

    public Parsed<TrackerWebhook> Read(ReadOnlySpan<byte> body, string? eventType)
    {
        if (string.IsNullOrWhiteSpace(eventType))
        {
            return Parsed<TrackerWebhook>.Fail(EventHeader, $"GitHub names the event in the {EventHeader} header (issues, ping, …); it is missing.");
        }

        var read = Parsed<GitHubHookBody>.FromJson(body, GitHubHookJsonContext.Default.GitHubHookBody, "The body is JSON null; a GitHub webhook sends an object.");
        if (!read.Ok)
        {
            return new(null, read.Error);
        }

        var hook = read.Value;

        if (eventType != "issues")
        {
            return Parsed<TrackerWebhook>.Success(new TrackerWebhook(null));
        }

        if (hook.Issue is not { } issue)
        {
            return Parsed<TrackerWebhook>.Fail("issue", "An issues event carries the issue it is about.");
        }

        if (hook.Repository?.FullName is not { Length: > 0 } repository)
        {
            return Parsed<TrackerWebhook>.Fail("repository.full_name", "An issues event names its repository.");
        }

        if (issue.UpdatedAt is not { } updated)
        {
            return Parsed<TrackerWebhook>.Fail("issue.updated_at", "The issue carries no updated_at: its state cannot be ordered.");
        }

        var key = Key(repository, issue.Number);
        var marker = GitHubChangeListing.Marker(LabelsOf(issue));
        if (hook.Action == "transferred")
        {
            if (hook.Changes?.NewIssue is not { } moved || hook.Changes.NewRepository?.FullName is not { Length: > 0 } to)
            {
                return Parsed<TrackerWebhook>.Fail("changes.new_issue", "A transferred issue names its new issue and repository in changes.");
            }

            var now = Reading(to, moved, moved.UpdatedAt ?? updated, GitHubChangeListing.Marker(LabelsOf(moved)) ?? marker);
            return Parsed<TrackerWebhook>.Success(new TrackerWebhook(new TrackerEvent(TrackerNames.GitHub, TrackerEventKind.Moved, to, now, key, repository)));
        }

        var kind = hook.Action == "deleted" ? TrackerEventKind.Deleted : TrackerEventKind.Changed;
        return Parsed<TrackerWebhook>.Success(new TrackerWebhook(new TrackerEvent(TrackerNames.GitHub, kind, repository, Reading(repository, issue, updated, marker))));
    }

    private static TrackerIssueChange Reading(string repository, GitHubHookIssue issue, DateTimeOffset updated, string? marker) => new(
        Key(repository, issue.Number),
        issue.HtmlUrl ?? "",
        GitHubIssueStatus.Of(issue.State == "closed", issue.StateReason, LabelsOf(issue)),
        marker,
        updated)
    {
        Assignee = issue.Assignee?.Login ?? issue.Assignees?.FirstOrDefault()?.Login,
    };

    /// <remarks>A webhook's body is the sender's to get wrong: a null among the labels reads as no label, not as a crash.</remarks>
    private static IEnumerable<string> LabelsOf(GitHubHookIssue issue) => (issue.Labels ?? []).Select(l => l?.Name ?? "");

    /// <summary>The key this tracker hands out for the issue (<see cref="GitHubIssueKey"/>).</summary>
    private static string Key(string repository, long number) => $"{repository}#{number.ToString(CultureInfo.InvariantCulture)}";
}

// The parts of GitHub's webhook bodies read; everything else is ignored. Names are spelled out for the OpenAPI description,
// which does not use the context's naming policy.

internal sealed record GitHubHookBody(string? Action = null, GitHubHookIssue? Issue = null, GitHubHookRepository? Repository = null, GitHubHookChanges? Changes = null);

internal sealed record GitHubHookIssue(
    long Number,
    [property: JsonPropertyName("html_url")] string? HtmlUrl = null,
    string? State = null,
    [property: JsonPropertyName("state_reason")] string? StateReason = null,
    IReadOnlyList<GitHubHookLabel?>? Labels = null,
    GitHubHookUser? Assignee = null,
    IReadOnlyList<GitHubHookUser?>? Assignees = null,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt = null);

internal sealed record GitHubHookLabel(string? Name = null);

internal sealed record GitHubHookUser(string? Login = null);

internal sealed record GitHubHookRepository([property: JsonPropertyName("full_name")] string? FullName = null);

/// <summary>On <c>transferred</c>: where the issue went. Other actions carry other changes (an edited title), not read.</summary>
internal sealed record GitHubHookChanges(
    [property: JsonPropertyName("new_issue")] GitHubHookIssue? NewIssue = null,
    [property: JsonPropertyName("new_repository")] GitHubHookRepository? NewRepository = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(GitHubHookBody))]
internal sealed partial class GitHubHookJsonContext : JsonSerializerContext;
