namespace IncidentBridge.Postmortems;

/// <summary>
/// A normalised action item. <see cref="Key"/> identifies the item across re-posts of the postmortem: the
/// author's own id when given, else derived from the description. <see cref="Type"/> is null when unstated.
/// </summary>
internal sealed record ActionItem(
    string Key,
    string Description,
    string? Type,
    string Owner,
    string Priority,
    DateOnly? DueDate,
    string Status);
