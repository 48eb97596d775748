namespace IncidentBridge.Postmortems;

/// <summary>
/// A normalised action item. <see cref="Id"/> is the author's own id when one was given (JSON <c>id</c>, or a
/// Markdown <c>ID</c> cell that is not a plain row number): a re-post matches the item by it. Without one the item
/// is recognised by its text (<see cref="ActionItemMatcher"/>) and gets a key when it first appears.
/// <see cref="TrackerKey"/> is an existing issue the author named for it, adopted instead of creating one.
/// <see cref="Type"/> is null when unstated, and kept as written when it is a word we do not know ("other").
/// <see cref="Horizon"/> is when the postmortem means it to land (immediate, short-term, medium-term, long-term) when its
/// type said so; it is read again from the stored document, not stored with the item.
/// </summary>
internal sealed record ActionItem
{
    public string? Id { get; init; }

    public required string Description { get; init; }

    public string? Type { get; init; }

    public string? Horizon { get; init; }

    public required string Owner { get; init; }

    public required string Priority { get; init; }

    public DateOnly? DueDate { get; init; }

    public required string Status { get; init; }

    /// <summary>Canonical: <c>PAY-123</c>, <c>owner/repo#42</c> (also from a GitHub issue URL) or <c>#42</c>; see <see cref="TrackerKeys"/>.</summary>
    public string? TrackerKey { get; init; }
}
