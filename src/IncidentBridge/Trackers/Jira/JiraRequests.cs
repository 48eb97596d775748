using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentBridge.Trackers.Jira;

// The request bodies of the Jira REST calls made here (v3 Cloud and v2 Data Center share them).

internal sealed record JiraCreateIssueRequest(JiraIssueFields Fields, IReadOnlyList<JiraEntityProperty> Properties);

/// <summary>
/// An edit: <c>fields</c> sets values, <c>update</c> applies operations (adding and removing single labels keeps
/// the labels people added). Jira refuses a field named in both.
/// </summary>
internal sealed record JiraEditIssueRequest(JiraIssueFields? Fields = null, JiraIssueUpdate? Update = null);

/// <summary>Issue fields; unset ones are left out, so an edit touches only what it names.</summary>
internal sealed record JiraIssueFields
{
    public JiraKeyRef? Project { get; init; }

    public string? Summary { get; init; }

    [JsonPropertyName("issuetype")]
    public JiraNameRef? IssueType { get; init; }

    /// <summary>An ADF document (v3) or a wiki-markup string (v2).</summary>
    public JsonElement? Description { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    [JsonPropertyName("duedate")]
    public string? DueDate { get; init; }

    public JiraNameRef? Priority { get; init; }

    public JiraUserRef? Assignee { get; init; }

    public IReadOnlyList<JiraNameRef>? Components { get; init; }

    /// <summary>
    /// The route's custom fields (<c>customfield_10020</c> …), written next to the others as given. Settable, not
    /// init-only: System.Text.Json's generator cannot bind extension data through an initializer.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? CustomFields { get; set; }
}

internal sealed record JiraKeyRef(string Key);

internal sealed record JiraNameRef(string Name);

internal sealed record JiraIdRef(string Id);

/// <summary>Cloud names users by <c>accountId</c>, Data Center by <c>name</c>; exactly one is set.</summary>
internal sealed record JiraUserRef(string? AccountId, string? Name);

internal sealed record JiraEntityProperty(string Key, JiraMarkerProperty Value);

/// <summary>The record kept on the issue itself; look-ups use the marker label, since JQL cannot search properties.</summary>
internal sealed record JiraMarkerProperty(string Marker, string IncidentId, string PostmortemId);

/// <summary>
/// v3 <c>search/jql</c> refuses <c>startAt</c> (it pages by <c>nextPageToken</c>), so it is only sent to v2;
/// the token only to v3, from the second page on.
/// </summary>
internal sealed record JiraSearchRequest(string Jql, IReadOnlyList<string> Fields, int MaxResults, int? StartAt, string? NextPageToken = null);

internal sealed record JiraTransitionRequest(JiraIdRef Transition);

internal sealed record JiraIssueUpdate(
    IReadOnlyList<JiraLabelOperation>? Labels = null,
    [property: JsonPropertyName("duedate")] IReadOnlyList<JiraClearOperation>? DueDate = null);

/// <summary>Exactly one of <see cref="Add"/> and <see cref="Remove"/>.</summary>
internal sealed record JiraLabelOperation(string? Add = null, string? Remove = null);

/// <summary>
/// <c>{"set": null}</c>: empties a field. <c>fields</c> cannot say so here, since unset fields are left out of every
/// request body (so that an edit touches only what it names).
/// </summary>
internal sealed record JiraClearOperation
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Set => null;
}

/// <param name="Body">An ADF document (v3) or a wiki-markup string (v2).</param>
/// <param name="Properties">The comment's hidden marker as a comment entity property.</param>
internal sealed record JiraCommentRequest(JsonElement Body, IReadOnlyList<JiraCommentProperty>? Properties = null);

internal sealed record JiraCommentProperty(string Key, JiraCommentMarker Value);

internal sealed record JiraCommentMarker(string Id);
