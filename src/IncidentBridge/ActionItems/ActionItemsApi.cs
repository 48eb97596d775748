using System.Text.Json.Serialization;

namespace IncidentBridge.ActionItems;

/// <summary>
/// <c>GET /api/action-items?owner=&amp;status=open|in-progress|done|not-doing&amp;overdue=true&amp;limit=&amp;cursor=</c>: paged like
/// the incidents, in the order the items were taken in; <c>nextCursor</c> is null on the last page.
/// </summary>
internal static class ActionItemsApi
{
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapActionItemsApi(this IEndpointRouteBuilder app)
    {
        app.MapApi().MapGet("/action-items", ListAsync);
        return app;
    }

    private static async Task<Results<Ok<ActionItemPage>, ProblemHttpResult>> ListAsync(
        ActionItemStore store, TimeProvider time, string? owner, string? status, string? overdue, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (status is not (null or ActionItemStatus.Open or ActionItemStatus.InProgress or ActionItemStatus.Done or ActionItemStatus.NotDoing))
        {
            return Problems.InvalidValue("status", status, "open, in-progress, done or not-doing");
        }

        if (Problems.ReadFlag("overdue", overdue, out var onlyOverdue) is { } invalid)
        {
            return invalid;
        }

        if (Paging.Check<long>(limit, cursor, Paging.ReadSeq, out var after) is { } problem)
        {
            return problem;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var take = limit ?? DefaultLimit;
        var rows = await store.ListAsync(string.IsNullOrEmpty(owner) ? null : owner, status, onlyOverdue, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), after, take, cancellationToken);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? Paging.WriteSeq(page[^1].Seq) : null;
        return TypedResults.Ok(new ActionItemPage([.. page.Select(row => ActionItemView.From(row, today))], next));
    }
}

internal sealed record ActionItemPage(IReadOnlyList<ActionItemView> Items, string? NextCursor);

/// <summary>
/// An action item in the API: its tracker issue, due date, status and whether it is overdue. <see cref="Horizon"/>
/// (immediate, short-term…) is shown with its postmortem, which reads it from the document (see PostmortemView).
/// </summary>
internal sealed record ActionItemView(
    string Id,
    string Key,
    string PostmortemId,
    string IncidentId,
    string Description,
    string? Type,
    string Owner,
    string Priority,
    string? DueDate,
    string DueDateSource,
    string Status,
    bool Overdue,
    bool Escalated,
    string? Tracker,
    string? TrackerKey,
    string? TrackerUrl,
    string SyncState,
    string? SyncError,
    bool Removed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Horizon = null)
{
    public static ActionItemView From(ActionItemRow row, DateOnly today) => new(
        row.Id, row.ItemKey, row.PostmortemId, row.IncidentId, row.Description, row.Type, row.Owner, row.Priority, row.DueDate, row.DueDateSource, row.Status,
        row.IsOverdue(today), row.EscalatedAt is not null, row.Tracker, row.TrackerKey, row.TrackerUrl, ActionItems.SyncState.Display(row.SyncState), row.SyncError, row.RemovedAt is not null);
}
