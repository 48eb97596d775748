namespace IncidentBridge.Postmortems;

/// <summary>
/// Pairs the action items of a re-posted postmortem with the items stored from earlier posts, so that each issue stays
/// with its action whatever happens to the rows around it (a row number is not an identity). In order:
/// <list type="number">
/// <item>An item with an id is the stored item with that key (removed ones included: it comes back).</item>
/// <item>An item without one is a stored item with the same description (case and spacing ignored). Rows may repeat a
/// description, so the closest is taken first: same description, owner, type, priority and due date; then same
/// description and owner; then same description. Within each step the k-th new row takes the k-th old row, so
/// duplicates are never merged. Items still in the postmortem are preferred to removed ones.</item>
/// <item>An item with an id no stored item has is the item it was before the author gave it one: a stored item with a
/// key IncidentBridge made up and the same description. It takes the author's id as its key from now on.</item>
/// <item>An edited description: the k-th still-unmatched new row with owner X is the k-th still-unmatched old row with
/// owner X (in postmortem order), among old rows not keyed by an author's id (those are only ever matched by it).</item>
/// </list>
/// What is left is new (a fresh <c>k&lt;n&gt;</c> key unless it has an id); stored items left over were removed.
/// </summary>
internal static class ActionItemMatcher
{
    private static readonly Func<ActionItem, ActionItemRow, bool>[] SameText =
    [
        (item, row) => SameDescription(item, row) && SameOwner(item, row) && item.Type == row.Type && item.Priority == row.Priority && Due(item) == row.DueDate,
        (item, row) => SameDescription(item, row) && SameOwner(item, row),
        SameDescription,
    ];

    /// <param name="stored">The postmortem's items as stored, removed ones included, in postmortem order.</param>
    /// <param name="posted">The items as posted now, in order.</param>
    /// <param name="keyTaken">Whether a fresh key may not be used (its marker belongs to an item stored under another key).</param>
    /// <returns>One match per posted item, in the posted order.</returns>
    public static IReadOnlyList<ItemMatch> Match(IReadOnlyList<ActionItemRow> stored, IReadOnlyList<ActionItem> posted, Func<string, bool> keyTaken)
    {
        var matched = new ActionItemRow?[posted.Count];
        var free = stored.ToList();
        var byKey = stored.ToDictionary(row => row.ItemKey, StringComparer.Ordinal);
        for (var i = 0; i < posted.Count; i++)
        {
            if (posted[i].Id is { } id && byKey.TryGetValue(id, out var row))
            {
                matched[i] = row;
                free.Remove(row);
            }
        }

        var withoutId = Enumerable.Range(0, posted.Count).Where(i => posted[i].Id is null).ToList();
        var newId = Enumerable.Range(0, posted.Count).Where(i => posted[i].Id is not null && matched[i] is null).ToList();
        ByText(posted, withoutId, matched, free, _ => true);
        ByText(posted, newId, matched, free, row => ActionItemKeys.IsGenerated(row.ItemKey));
        foreach (var i in withoutId.Where(i => matched[i] is null))
        {
            var index = free.FindIndex(row => row.RemovedAt is null && !ActionItemKeys.IsAuthorId(row.ItemKey) && SameOwner(posted[i], row));
            if (index >= 0)
            {
                matched[i] = free[index];
                free.RemoveAt(index);
            }
        }

        var used = new HashSet<string>(stored.Select(row => row.ItemKey).Concat(posted.Select(item => item.Id).OfType<string>()), StringComparer.Ordinal);
        var next = used.Select(ActionItemKeys.GeneratedNumber).DefaultIfEmpty(0).Max();
        var matches = new List<ItemMatch>(posted.Count);
        for (var i = 0; i < posted.Count; i++)
        {
            if ((posted[i].Id ?? matched[i]?.ItemKey) is not { } key)
            {
                // Past every k<n> ever stored, so a key is never handed to a second action, and past any whose marker
                // an item re-keyed to its author's id still carries.
                do
                {
                    key = ActionItemKeys.Generate(++next);
                }
                while (used.Contains(key) || keyTaken(key));
            }

            used.Add(key);
            matches.Add(new ItemMatch { Item = posted[i], Position = i, Stored = matched[i], Key = key });
        }

        return matches;
    }

    private static void ByText(IReadOnlyList<ActionItem> posted, List<int> candidates, ActionItemRow?[] matched, List<ActionItemRow> free, Func<ActionItemRow, bool> eligible)
    {
        foreach (var removed in (bool[])[false, true])
        {
            foreach (var same in SameText)
            {
                foreach (var i in candidates.Where(i => matched[i] is null))
                {
                    var index = free.FindIndex(row => row.RemovedAt is not null == removed && eligible(row) && same(posted[i], row));
                    if (index >= 0)
                    {
                        matched[i] = free[index];
                        free.RemoveAt(index);
                    }
                }
            }
        }
    }

    private static bool SameDescription(ActionItem item, ActionItemRow row) =>
        ActionItemKeys.Canonical(item.Description) == ActionItemKeys.Canonical(row.Description);

    private static bool SameOwner(ActionItem item, ActionItemRow row) =>
        ActionItemKeys.Canonical(item.Owner) == ActionItemKeys.Canonical(row.Owner);

    private static string? Due(ActionItem item) => item.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// A posted item and the stored item it continues (null: a new item). <see cref="Key"/> is its key from now on: the
/// stored one, the author's id (which replaces a made-up key the first time it is given), or a fresh one.
/// </summary>
internal sealed record ItemMatch
{
    public required ActionItem Item { get; init; }

    /// <summary>Its place among the posted items.</summary>
    public required int Position { get; init; }

    public ActionItemRow? Stored { get; init; }

    public required string Key { get; init; }
}
