using IncidentBridge.ActionItems;
using IncidentBridge.Incidents;
using IncidentBridge.Storage;

namespace IncidentBridge.Postmortems;

/// <summary><c>GET /api/postmortems/{id}</c>: the postmortem with each action item's tracker link and status.</summary>
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
    public static PostmortemView From(PostmortemRow row, PostmortemDocument document, IReadOnlyList<ActionItemRow> items, PostmortemReview? review, DateOnly today) => new(
        row.Id, row.IncidentId, row.Title, row.Status, row.Severity, row.Date, Time.OfNullable(row.PublishedAt), row.Format,
        Time.Of(row.CreatedAt), Time.Of(row.UpdatedAt), document,
        items.Where(i => i.RemovedAt is null).Select(i => ActionItemView.From(i, today)).ToList(),
        review);
}
