namespace IncidentBridge.FollowUp.Email;

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
