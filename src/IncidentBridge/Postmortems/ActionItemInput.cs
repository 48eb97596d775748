using System.Text.Json.Serialization;

namespace IncidentBridge.Postmortems;

/// <summary>
/// One action item as written. <see cref="Id"/> is the item's own id when the author gave one (JSON <c>id</c>, or a
/// Markdown <c>#</c>/<c>ID</c> cell that is not a plain row number); <see cref="Location"/> says where it was found,
/// for error messages: <c>actionItems[2]</c> in JSON, <c>table 2 "Short-Term Actions", row 3</c> in Markdown.
/// </summary>
internal sealed record ActionItemInput
{
    public string? Id { get; init; }

    public string? Description { get; init; }

    public string? Type { get; init; }

    public string? Owner { get; init; }

    public string? Priority { get; init; }

    public string? DueDate { get; init; }

    public string? Status { get; init; }

    /// <summary>An issue that already exists for the item (JSON <c>trackerKey</c>; Markdown <c>Ticket</c>/<c>Jira</c>/<c>Issue</c> column).</summary>
    public string? TrackerKey { get; init; }

    /// <summary>
    /// The same as <see cref="TrackerKey"/> under the name postmortem data models already use (<c>jiraTicket</c>);
    /// <see cref="TrackerKey"/> wins when both are given.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? JiraTicket { get; init; }

    [JsonIgnore]
    public string? Location { get; init; }
}
