namespace IncidentBridge.ActionItems;

/// <summary>An action item as stored, with its outbox state; times in Unix milliseconds.</summary>
internal sealed record ActionItemRow
{
    public long Seq { get; init; }

    public required string Id { get; init; }

    public required string PostmortemId { get; init; }

    public required string IncidentId { get; init; }

    /// <summary>The item's identity within its postmortem: the JSON <c>id</c>, or a key given when the item first appeared.</summary>
    public required string ItemKey { get; init; }

    public long Position { get; init; }

    public required string Marker { get; init; }

    public required string Description { get; init; }

    public string? Type { get; init; }

    public required string Owner { get; init; }

    public required string Priority { get; init; }

    public string? DueDate { get; init; }

    public required string Status { get; init; }

    public long? RemovedAt { get; init; }

    public string? Tracker { get; init; }

    public string? TrackerTarget { get; init; }

    public string? TrackerKey { get; init; }

    public string? TrackerUrl { get; init; }

    public required string SyncState { get; init; }

    /// <summary>Bumped by each re-post that changes the item.</summary>
    public long Revision { get; init; } = 1;

    /// <summary>The revision the issue was last written with (create or update); behind <see cref="Revision"/> means an update is due.</summary>
    public long SyncedRevision { get; init; }

    /// <summary>
    /// Since when a write of ours may still land in the tracker (a create sent; a write whose outcome is unknown, from the
    /// moment we gave up on it); null when none is in doubt.
    /// </summary>
    public long? InDoubtSince { get; init; }

    /// <summary>The item's own status is still to be applied to its issue (a step after the create).</summary>
    public bool StatusPending { get; init; }

    /// <summary>An existing issue the postmortem names for this item: adopted, never a second one made.</summary>
    public string? AdoptKey { get; init; }

    /// <summary><c>postmortem</c>, or <c>policy</c> when the item was published without a due date and got its priority's.</summary>
    public string DueDateSource { get; init; } = "postmortem";

    /// <summary>When the item was flagged overdue on its issue (once); null until then.</summary>
    public long? OverdueFlaggedAt { get; init; }

    /// <summary>When the item was escalated to its owner's lead (once); null until then.</summary>
    public long? EscalatedAt { get; init; }

    public long Attempts { get; init; }

    public long NextAttemptAt { get; init; }

    public string? SyncError { get; init; }

    /// <summary>The owner as the postmortem last gave it; <see cref="Owner"/> is who holds the item now (the tracker may have reassigned it).</summary>
    public string? PostedOwner { get; init; }

    /// <summary>The due date as the postmortem last gave it (or its policy's); <see cref="DueDate"/> is what holds now.</summary>
    public string? PostedDueDate { get; init; }

    /// <summary>The tracker's time of the newest reading taken from it (Unix ms); an older reading is stale.</summary>
    public long? TrackerUpdatedAt { get; init; }

    public DateOnly? Due => DueDate is { } due ? DateOnly.ParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    public bool NeedsUpdate => TrackerKey is not null && SyncedRevision < Revision;

    public bool IsClosed => Status is ActionItemStatus.Done or ActionItemStatus.NotDoing;

    public bool IsOverdue(DateOnly today) => !IsClosed && RemovedAt is null && Due is { } due && due < today;

    /// <summary>How many days past its due date the item is on <paramref name="today"/>: 0 when due today or without a due date, negative when not due yet.</summary>
    public int DaysOverdue(DateOnly today) => today.DayNumber - (Due ?? today).DayNumber;
}

/// <summary>
/// An item's issue as the tracker reports it, ready to store: where it is (<see cref="Target"/> null: where it was), its
/// status, and the owner and due date that now hold.
/// </summary>
internal sealed record TrackerState(string Key, string Url, string? Target, string Status, string Owner, string? DueDate, string DueDateSource);
