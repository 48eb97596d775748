namespace IncidentBridge.Postmortems;

/// <summary>
/// Where each action-item field sits in a table, found from the header row (CONTRACT §4): a table is an
/// action-item table only when it has an action-or-description column AND an owner column, so the template's
/// timeline ("Time | Event | Action Taken | Actor") is not mistaken for one. Columns may come in any order.
/// </summary>
internal sealed record ActionItemColumns(
    int Description,
    int Owner,
    int? Id,
    int? Type,
    int? Priority,
    int? DueDate,
    int? Status)
{
    public static ActionItemColumns? Find(IReadOnlyList<string> header)
    {
        var names = header.Select(MarkdownText.Key).ToList();

        // "Description" is the more specific name when a table has both it and an "Action" (or "Action Type") column.
        var description = IndexOf(names, name => name.Contains("description", StringComparison.Ordinal))
            ?? IndexOf(names, name => name.Contains("action", StringComparison.Ordinal) && name != "action type");
        var owner = IndexOf(names, name => name.Contains("owner", StringComparison.Ordinal));
        if (description is not { } descriptionColumn || owner is not { } ownerColumn)
        {
            return null;
        }

        return new ActionItemColumns(
            descriptionColumn,
            ownerColumn,
            Id: IndexOf(names, name => name is "#" or "id" or "no" or "no."),
            Type: IndexOf(names, name => name is "type" or "action type" or "category"),
            Priority: IndexOf(names, name => name.Contains("priority", StringComparison.Ordinal)),
            DueDate: IndexOf(names, name => name.Contains("due", StringComparison.Ordinal)),
            Status: IndexOf(names, name => name.Contains("status", StringComparison.Ordinal)));
    }

    /// <summary>One row's cells as written; a cell the row lacks (a short row) or leaves empty reads as null.</summary>
    public ActionItemInput Read(IReadOnlyList<string> row, string location) => new()
    {
        Id = Cell(row, Id),
        Description = Cell(row, Description),
        Type = Cell(row, Type),
        Owner = Cell(row, Owner),
        Priority = Cell(row, Priority),
        DueDate = Cell(row, DueDate),
        Status = Cell(row, Status),
        Location = location,
    };

    private static string? Cell(IReadOnlyList<string> row, int? column) =>
        column is { } index && index < row.Count && row[index].Length > 0 ? row[index] : null;

    private static int? IndexOf(List<string> names, Func<string, bool> matches)
    {
        var index = names.FindIndex(name => matches(name));
        return index < 0 ? null : index;
    }
}
