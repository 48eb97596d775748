namespace IncidentBridge.FollowUp;

/// <summary>One action item as the follow-up figures see it (times in Unix milliseconds, due date yyyy-MM-dd).</summary>
internal sealed record FollowUpRow(
    string Owner,
    string Priority,
    string Status,
    string? DueDate,
    string IncidentLabels,
    long CreatedAt,
    long? DoneAt,
    long? PublishedAt);
