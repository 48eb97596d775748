using System.Text.Encodings.Web;
using System.Text.Json.Serialization;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// Jira on the wire: the JSON context, and below it the request bodies sent, the Atlassian Document Format, the
/// parts of Jira's answers read, and how a status and a time read back become the worker's. Cloud (v3) and Data
/// Center (v2) share these shapes; where they differ (description and comment bodies) the field is a
/// <see cref="JsonElement"/>. See docs/PROTOCOLS.md, Jira.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(JiraCreateIssueRequest))]
[JsonSerializable(typeof(JiraEditIssueRequest))]
[JsonSerializable(typeof(JiraSearchRequest))]
[JsonSerializable(typeof(JiraTransitionRequest))]
[JsonSerializable(typeof(JiraCommentRequest))]
[JsonSerializable(typeof(JiraCreatedIssue))]
[JsonSerializable(typeof(JiraSearchResponse))]
[JsonSerializable(typeof(JiraFoundIssue))]
[JsonSerializable(typeof(JiraCommentPage))]
[JsonSerializable(typeof(List<JiraUser>))]
[JsonSerializable(typeof(JiraErrorResponse))]
[JsonSerializable(typeof(AdfDocument))]
[JsonSerializable(typeof(JiraWebhookBody))]
[JsonSerializable(typeof(string))]
internal sealed partial class JiraJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used on the wire. Relaxed escaping keeps non-ASCII text as itself rather than <c>\uXXXX</c>, so the
    /// description's serialised length is close to what Jira counts against its 32,767-character limit.
    /// </summary>
    public static JiraJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

// The request bodies.

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
/// <param name="ReconcileIssues">Cloud only: issue ids the search must show as they are now (at most 50, the same on every page).</param>
internal sealed record JiraSearchRequest(string Jql, IReadOnlyList<string> Fields, int MaxResults, int? StartAt, string? NextPageToken = null, IReadOnlyList<long>? ReconcileIssues = null);

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

// The Atlassian Document Format, as far as the descriptions and comments written here use it.

/// <summary>An Atlassian Document Format document: the only description format Jira Cloud REST v3 accepts.</summary>
internal sealed record AdfDocument(IReadOnlyList<AdfNode> Content)
{
    public string Type => "doc";

    public int Version => 1;
}

/// <summary>A block (<c>paragraph</c>) or inline (<c>text</c>) node; ADF refuses empty text nodes.</summary>
internal sealed record AdfNode(string Type, IReadOnlyList<AdfNode>? Content = null, string? Text = null, IReadOnlyList<AdfMark>? Marks = null);

internal sealed record AdfMark(string Type, AdfMarkAttributes? Attrs = null);

internal sealed record AdfMarkAttributes(string Href);

// The answers: the parts read here; everything else is ignored. Optional parts default to null: a missing
// non-nullable one (an issue's key) makes the answer unreadable rather than half-read.

internal sealed record JiraCreatedIssue(string Key, string? Id = null, string? Self = null);

/// <summary>v3 <c>search/jql</c> pages with <c>isLast</c>/<c>nextPageToken</c>; v2 <c>search</c> with <c>total</c>.</summary>
internal sealed record JiraSearchResponse(IReadOnlyList<JiraFoundIssue>? Issues = null, bool? IsLast = null, string? NextPageToken = null, int? Total = null);

/// <summary>An issue from a search or read by key; <see cref="Transitions"/> only when asked for with <c>expand=transitions</c>.</summary>
internal sealed record JiraFoundIssue(string Key, JiraFoundFields? Fields = null, IReadOnlyList<JiraTransition>? Transitions = null, string? Id = null);

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
    JiraUser? Assignee = null,
    JiraKeyRef? Project = null);

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

/// <summary>
/// An admin webhook's body (<c>jira:issue_created|updated|deleted</c>): the issue in the REST v2 form, and on an update
/// the changelog, whose <c>Key</c> item says the issue moved (docs/PROTOCOLS.md, Jira).
/// </summary>
internal sealed record JiraWebhookBody(string? WebhookEvent = null, long? Timestamp = null, JiraFoundIssue? Issue = null, JiraChangelog? Changelog = null);

internal sealed record JiraChangelog(IReadOnlyList<JiraChangeItem?>? Items = null);

internal sealed record JiraChangeItem(
    string? Field = null,
    [property: JsonPropertyName("fromString")] string? From = null,
    [property: JsonPropertyName("toString")] string? To = null);

// Reading the answers.

/// <summary>An issue's status category and resolution as an action-item status, and the category a status asks for.</summary>
internal static class JiraStatuses
{
    public const string NewCategory = "new";
    public const string InProgressCategory = "indeterminate";
    public const string DoneCategory = "done";

    /// <summary>
    /// The resolutions of Jira's default schemes (Cloud, Data Center, Service Management) that say nobody will do
    /// the work. They sit in the <c>done</c> category like real done work, so only the resolution tells them apart.
    /// </summary>
    private static readonly HashSet<string> NotDoingResolutions = new(StringComparer.OrdinalIgnoreCase)
    {
        "Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined",
    };

    /// <summary>
    /// Maps the status category, not the status name: workflows name their statuses freely, but every status
    /// belongs to <c>new</c>, <c>indeterminate</c> or <c>done</c>.
    /// </summary>
    public static string FromCategory(string? categoryKey) => categoryKey switch
    {
        DoneCategory => ActionItemStatus.Done,
        InProgressCategory => ActionItemStatus.InProgress,
        _ => ActionItemStatus.Open,
    };

    /// <summary>
    /// The status category, with a done issue's resolution read as well. A resolution left behind on a reopened
    /// issue (a common workflow slip) does not count: only a done one is <c>not-doing</c>.
    /// </summary>
    public static string Of(JiraFoundFields? fields)
    {
        var status = FromCategory(fields?.Status?.StatusCategory?.Key);
        return status == ActionItemStatus.Done && IsNotDoing(fields?.Resolution?.Name) ? ActionItemStatus.NotDoing : status;
    }

    /// <summary>The category a status asks for; null for <c>open</c> (never moved back to) and anything unknown.</summary>
    public static string? CategoryFor(string status) => status switch
    {
        ActionItemStatus.InProgress => InProgressCategory,
        ActionItemStatus.Done => DoneCategory,
        _ => null,
    };

    // Typographic apostrophes appear in renamed resolutions ("Won’t Do").
    private static bool IsNotDoing(string? resolution) =>
        resolution is not null && NotDoingResolutions.Contains(resolution.Trim().Replace('\u2019', '\''));
}

/// <summary>An issue as read (a search hit, a webhook's issue) as the reading the sync applies to its item.</summary>
internal static class JiraIssueReadings
{
    /// <summary>Null when the issue carries no readable <c>updated</c> and no <paramref name="updatedOtherwise"/> is given: without a time a reading cannot be ordered.</summary>
    public static TrackerIssueChange? Of(JiraFoundIssue issue, string url, DateTimeOffset? updatedOtherwise = null)
    {
        var fields = issue.Fields;
        if ((JiraTimestamp.Parse(fields?.Updated) ?? updatedOtherwise) is not { } updated)
        {
            return null;
        }

        return new TrackerIssueChange(issue.Key, url, JiraStatuses.Of(fields), Marker(fields?.Labels), updated)
        {
            // Cloud names people by accountId, Data Center by name: the same id Owners:<name>:JiraAccountId holds.
            Assignee = fields?.Assignee is { } assignee ? assignee.AccountId ?? assignee.Name : null,
            HasDueDate = true,
            DueDate = DateOnly.TryParseExact(fields?.DueDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due) ? due : null,
            IssueId = long.TryParse(issue.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null,
        };
    }

    /// <remarks>A webhook's body is the sender's to get wrong: a null among the labels is skipped, not dereferenced.</remarks>
    public static string? Marker(IEnumerable<string>? labels) =>
        labels?.FirstOrDefault(label => label is not null && label.StartsWith(ActionItemMarker.Prefix, StringComparison.Ordinal));
}

internal static class JiraTimestamp
{
    /// <summary>
    /// Jira's <c>2025-03-14T10:15:30.000+0000</c> (no colon in the offset, so not what System.Text.Json reads);
    /// null when absent or unreadable.
    /// </summary>
    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
}
