using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentBridge.Trackers.Jira;

// The parts of Jira's answers read here; everything else is ignored. Optional parts default to null: a missing
// non-nullable one (an issue's key) makes the answer unreadable rather than half-read.

internal sealed record JiraCreatedIssue(string Key, string? Id = null, string? Self = null);

/// <summary>v3 <c>search/jql</c> pages with <c>isLast</c>/<c>nextPageToken</c>; v2 <c>search</c> with <c>total</c>.</summary>
internal sealed record JiraSearchResponse(IReadOnlyList<JiraFoundIssue>? Issues = null, bool? IsLast = null, string? NextPageToken = null, int? Total = null);

/// <summary>An issue from a search or read by key; <see cref="Transitions"/> only when asked for with <c>expand=transitions</c>.</summary>
internal sealed record JiraFoundIssue(string Key, JiraFoundFields? Fields = null, IReadOnlyList<JiraTransition>? Transitions = null);

/// <summary><see cref="Updated"/> stays text: Jira writes offsets as <c>+0000</c>, which System.Text.Json refuses.</summary>
internal sealed record JiraFoundFields(
    string? Summary = null,
    JiraStatus? Status = null,
    IReadOnlyList<string>? Labels = null,
    string? Updated = null,
    JiraNamed? Resolution = null,
    JsonElement? Description = null,
    [property: JsonPropertyName("duedate")] string? DueDate = null,
    JiraNamed? Priority = null,
    JiraUser? Assignee = null);

internal sealed record JiraNamed(string? Name = null);

internal sealed record JiraStatus(string? Name = null, JiraStatusCategory? StatusCategory = null);

/// <summary><c>new</c>, <c>indeterminate</c> or <c>done</c>: stable across workflows, unlike status names.</summary>
internal sealed record JiraStatusCategory(string? Key = null);

internal sealed record JiraTransition(string Id, string? Name = null, JiraStatus? To = null);

internal sealed record JiraUser(string? AccountId = null, string? AccountType = null, string? Name = null, string? EmailAddress = null, bool? Active = null);

internal sealed record JiraErrorResponse(IReadOnlyList<string>? ErrorMessages = null, IReadOnlyDictionary<string, string>? Errors = null);

/// <summary>A page of an issue's comments; Cloud and Data Center both page by <c>startAt</c> with a <c>total</c>.</summary>
internal sealed record JiraCommentPage(IReadOnlyList<JiraComment>? Comments = null, long? StartAt = null, int? MaxResults = null, long? Total = null);

/// <param name="Body">An ADF document (v3) or a wiki-markup string (v2).</param>
/// <param name="Properties">Only with <c>expand=properties</c>, and only where Jira honours it.</param>
internal sealed record JiraComment(string? Id = null, JsonElement? Body = null, IReadOnlyList<JiraPropertyValue>? Properties = null);

internal sealed record JiraPropertyValue(string? Key = null, JsonElement? Value = null);
