namespace IncidentBridge.ActionItems;

/// <summary>An action item as stored, with its outbox state; times in Unix milliseconds.</summary>
internal sealed record ActionItemRow(
    long Seq,
    string Id,
    string PostmortemId,
    string IncidentId,
    string ItemKey,
    long Position,
    string Marker,
    string Description,
    string? Type,
    string Owner,
    string Priority,
    string? DueDate,
    string Status,
    long? RemovedAt,
    string? Tracker,
    string? TrackerTarget,
    string? TrackerKey,
    string? TrackerUrl,
    string SyncState,
    long NeedsUpdate,
    long Uncertain,
    long Attempts,
    long NextAttemptAt,
    string? SyncError)
{
    public DateOnly? Due => DueDate is { } due ? DateOnly.ParseExact(due, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null;

    public bool IsOverdue(DateOnly today) => Status != ActionItemStatus.Done && RemovedAt is null && Due is { } due && due < today;
}
