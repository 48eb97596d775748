using System.Text.Json.Serialization;
using IncidentBridge.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBridge.ActionItems;

/// <summary><c>GET /api/action-items?owner=&amp;status=open|in-progress|done&amp;overdue=true</c>.</summary>
internal static class ActionItemsApi
{
    public static IEndpointRouteBuilder MapActionItemsApi(this IEndpointRouteBuilder app)
    {
        app.MapApi().MapGet("/action-items", ListAsync);
        return app;
    }

    private static async Task<Results<Ok<ActionItemPage>, ProblemHttpResult>> ListAsync(
        ActionItemStore store, TimeProvider time, string? owner, string? status, string? overdue, CancellationToken cancellationToken)
    {
        if (status is not (null or ActionItemStatus.Open or ActionItemStatus.InProgress or ActionItemStatus.Done))
        {
            return Problems.InvalidField("status", $"status must be open, in-progress or done (was '{status}').");
        }

        bool? onlyOverdue = null;
        if (overdue is not null)
        {
            if (!bool.TryParse(overdue, out var flag))
            {
                return Problems.InvalidField("overdue", $"overdue must be true or false (was '{overdue}').");
            }

            onlyOverdue = flag;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var items = (await store.ListAsync(string.IsNullOrEmpty(owner) ? null : owner, status, cancellationToken))
            .Select(row => ActionItemView.From(row, today))
            .Where(item => onlyOverdue is null || item.Overdue == onlyOverdue)
            .ToList();
        return TypedResults.Ok(new ActionItemPage(items));
    }
}

internal sealed record ActionItemPage(IReadOnlyList<ActionItemView> Items);

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
    string Status,
    bool Overdue,
    string? Tracker,
    string? TrackerKey,
    string? TrackerUrl,
    string SyncState,
    string? SyncError,
    bool Removed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Horizon = null)
{
    public static ActionItemView From(ActionItemRow row, DateOnly today) => new(
        row.Id, row.ItemKey, row.PostmortemId, row.IncidentId, row.Description, row.Type, row.Owner, row.Priority, row.DueDate, row.Status,
        row.IsOverdue(today), row.Tracker, row.TrackerKey, row.TrackerUrl, ActionItems.SyncState.Display(row.SyncState), row.SyncError, row.RemovedAt is not null);
}
