using System.Text.Json.Serialization;

namespace IncidentBridge.Postmortems;

/// <summary>
/// <c>GET /api/postmortems/{id}</c>: the postmortem with each action item's tracker link and status. The <c>201</c> of a
/// post also carries <see cref="Warnings"/>: what that post wrote that was not taken as written. They belong to the post,
/// so a later <c>GET</c> leaves them out.
/// </summary>
internal sealed record PostmortemView(
    string Id,
    string IncidentId,
    string Title,
    string Status,
    string? Severity,
    string? Date,
    DateTimeOffset? PublishedAt,
    string Format,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    PostmortemDocument Document,
    IReadOnlyList<ActionItemView> ActionItems,
    PostmortemReview? Review)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }

    public static PostmortemView From(PostmortemRow row, PostmortemDocument document, IReadOnlyList<ActionItemRow> items, PostmortemReview? review, DateOnly today) => new(
        row.Id, row.IncidentId, row.Title, row.Status, row.Severity, row.Date, Time.OfNullable(row.PublishedAt), row.Format,
        Time.Of(row.CreatedAt), Time.Of(row.UpdatedAt), document,
        items.Where(i => i.RemovedAt is null).Select(i => ActionItemView.From(i, today) with { Horizon = HorizonOf(document, i.Position) }).ToList(),
        review);

    /// <summary>
    /// An item's horizon, from the type its postmortem gives it: a stored item's position is its place in the document
    /// as last posted, and the horizon is not stored on its own.
    /// </summary>
    private static string? HorizonOf(PostmortemDocument document, long position) =>
        document.ActionItems is { } inputs && position >= 0 && position < inputs.Count ? ActionItemTypes.Horizon(inputs[(int)position]?.Type) : null;
}
