namespace IncidentBridge.FollowUp.Email;

/// <summary>One overdue action item as its owner reads it in the digest (CONTRACT §6 overdue-digest).</summary>
internal sealed record DigestItem(
    string ActionItemId,
    string Description,
    string IncidentId,
    string IncidentTitle,
    string Priority,
    DateOnly DueDate,
    int DaysOverdue,
    string? TrackerKey,
    string? TrackerUrl);
