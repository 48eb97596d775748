namespace IncidentBridge.FollowUp.Email;

/// <summary>Everything one owner's weekly e-mail says. Owners with nothing overdue get no digest at all.</summary>
internal sealed record OwnerDigest(string Owner, string Email, IReadOnlyList<DigestItem> Items, IReadOnlyList<RepeatIncident> RepeatIncidents);

/// <summary>One overdue action item as its owner reads it in the digest.</summary>
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

/// <summary>
/// A new incident that repeats an earlier one (<paramref name="RelatedIncidentId"/>) whose follow-ups are still open:
/// the digest points at it because unfinished action items are the likely reason it came back.
/// </summary>
internal sealed record RepeatIncident(string IncidentId, string Title, string RelatedIncidentId, int OpenItems, int OverdueItems);

/// <summary>The digest's items of one incident, in reading order.</summary>
internal sealed record IncidentGroup(string IncidentId, string IncidentTitle, IReadOnlyList<DigestItem> Items)
{
    /// <summary>
    /// Oldest debt first: groups by their earliest due date, items by days overdue (most first). The remaining keys
    /// only make the order stable, so two runs over the same data read the same.
    /// </summary>
    public static IReadOnlyList<IncidentGroup> Of(IEnumerable<DigestItem> items) =>
        [.. items
            .GroupBy(i => i.IncidentId, StringComparer.Ordinal)
            .Select(g => new IncidentGroup(
                g.Key,
                g.First().IncidentTitle,
                [.. g.OrderByDescending(i => i.DaysOverdue).ThenBy(i => i.DueDate).ThenBy(i => i.ActionItemId, StringComparer.Ordinal)]))
            .OrderBy(g => g.Items.Min(i => i.DueDate))
            .ThenBy(g => g.IncidentId, StringComparer.Ordinal)];
}
