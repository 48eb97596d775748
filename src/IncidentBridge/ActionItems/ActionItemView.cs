namespace IncidentBridge.ActionItems;

/// <summary>An action item in the API (CONTRACT §4): its tracker issue, due date, status and whether it is overdue.</summary>
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
    bool Removed)
{
    public static ActionItemView From(ActionItemRow row, DateOnly today) => new(
        row.Id, row.ItemKey, row.PostmortemId, row.IncidentId, row.Description, row.Type, row.Owner, row.Priority, row.DueDate, row.Status,
        row.IsOverdue(today), row.Tracker, row.TrackerKey, row.TrackerUrl, ActionItems.SyncState.Display(row.SyncState), row.SyncError, row.RemovedAt is not null);
}
