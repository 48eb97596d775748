using System.Text.Json.Serialization;

namespace IncidentBridge.Postmortems;

/// <summary>
/// One action item as written. <see cref="Id"/> is the item's own number or id when the author gave one
/// (the <c>#</c>/<c>ID</c> column); <see cref="Location"/> says where it was found, for error messages:
/// <c>actionItems[2]</c> in JSON, <c>table 2 "Short-Term Actions", row 3</c> in Markdown.
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

    [JsonIgnore]
    public string? Location { get; init; }
}
