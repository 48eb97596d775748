namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// Everything one person's weekly e-mail says, by section: their own items <paramref name="Overdue"/> and
/// <see cref="DueSoon"/>, the items <see cref="Escalated"/> to them as someone's lead, and the
/// <see cref="PostmortemsOverdue"/> they are told of. <paramref name="Owner"/> is the person as the e-mail greets them.
/// A person with nothing in any section gets no digest at all.
/// </summary>
internal sealed record OwnerDigest(string Owner, string Email, IReadOnlyList<DigestItem> Overdue, IReadOnlyList<RepeatIncident> RepeatIncidents)
{
    /// <summary>Their open items due within their priority's <c>RemindBeforeDays</c> (due today included): not late yet.</summary>
    public IReadOnlyList<DigestItem> DueSoon { get; init; } = [];

    /// <summary>Overdue items of the people they lead, escalated to them (each with its <see cref="DigestItem.Owner"/>).</summary>
    public IReadOnlyList<DigestItem> Escalated { get; init; } = [];

    /// <summary>Resolved incidents still without a published postmortem (<c>FollowUp:PostmortemDue</c>), for its recipients.</summary>
    public IReadOnlyList<OverduePostmortem> PostmortemsOverdue { get; init; } = [];

    /// <summary>Entries in all sections: what the subject counts and the digest's record keeps.</summary>
    public int Count => Overdue.Count + DueSoon.Count + Escalated.Count + PostmortemsOverdue.Count;
}

/// <summary>
/// One action item as the digest shows it. <paramref name="DaysOverdue"/> is negative for an item not due yet (due in
/// that many days) and 0 for one due today.
/// </summary>
internal sealed record DigestItem(
    string ActionItemId,
    string Description,
    string IncidentId,
    string IncidentTitle,
    string Priority,
    DateOnly DueDate,
    int DaysOverdue,
    string? TrackerKey,
    string? TrackerUrl)
{
    /// <summary>Whose item it is: shown where the reader is not the owner (escalated to a lead).</summary>
    public string? Owner { get; init; }
}

/// <summary>A resolved incident whose postmortem is overdue: none yet, or one not published.</summary>
/// <param name="Severity"><c>SEV1</c>..<c>SEV4</c>.</param>
/// <param name="DueAt">When it became overdue: <paramref name="ResolvedAt"/> plus <c>PostmortemDue:Hours</c>.</param>
/// <param name="PostmortemId">The unpublished postmortem's id (with its status: draft, in-review); null when none has been written.</param>
internal sealed record OverduePostmortem(
    string IncidentId,
    string IncidentTitle,
    string Severity,
    DateTimeOffset ResolvedAt,
    DateTimeOffset DueAt,
    string? PostmortemId = null,
    string? PostmortemStatus = null)
{
    /// <summary>The digest's view of <paramref name="row"/>, overdue <paramref name="due"/> after the incident resolved.</summary>
    public static OverduePostmortem From(OverduePostmortemRow row, TimeSpan due)
    {
        var resolvedAt = Time.Of(row.ResolvedAt);
        return new(row.IncidentId, row.Title, Incidents.Severity.Name(row.Severity), resolvedAt, resolvedAt + due, row.PostmortemId, row.PostmortemStatus);
    }
}

/// <summary>
/// A new incident that repeats an earlier one (<paramref name="RelatedIncidentId"/>) whose follow-ups are still open:
/// the digest points at it because unfinished action items are the likely reason it came back.
/// </summary>
internal sealed record RepeatIncident(string IncidentId, string Title, string RelatedIncidentId, int OpenItems, int OverdueItems);

/// <summary>The digest's items of one incident, in reading order.</summary>
internal sealed record IncidentGroup(string IncidentId, string IncidentTitle, IReadOnlyList<DigestItem> Items)
{
    /// <summary>
    /// Oldest debt first: groups by their earliest due date, items by days overdue (most first; for items not due yet,
    /// soonest first). The remaining keys only make the order stable, so two runs over the same data read the same.
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
