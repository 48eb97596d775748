namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// Where each action-item field sits in a table, found from the header row: a table is an
/// action-item table only when it has an action-or-description column AND an owner column, so the template's
/// timeline ("Time | Event | Action Taken | Actor") is not mistaken for one. Columns may come in any order.
/// A <c>#</c>/<c>ID</c> cell holding a plain row number (<c>3</c>, <c>#3</c>) is not the item's id: rows get inserted
/// and renumbered, and an issue must stay with its action, so only an id that is not a number (<c>AI-3</c>) identifies
/// the item. A <c>Ticket</c>/<c>Tracking</c>/<c>Jira</c>/<c>Issue</c> column names an issue that already exists.
/// Under a heading naming action items, where a table can only be a list of them, "Task"/"Item"/"What" and
/// "Assignee"/"Who"/"DRI" serve as the description and owner columns too.
/// </summary>
internal sealed record ActionItemColumns(
    int Description,
    int Owner,
    int? Id,
    int? Type,
    int? Priority,
    int? DueDate,
    int? Status,
    int? Ticket)
{
    public static ActionItemColumns? Find(IReadOnlyList<string> header, bool underActionItems = false)
    {
        var names = header.Select(MarkdownText.Key).ToList();

        // "Description" is the more specific name when a table has both it and an "Action" (or "Action Type") column.
        var description = IndexOf(names, name => name.Contains("description", StringComparison.Ordinal))
            ?? IndexOf(names, name => name.Contains("action", StringComparison.Ordinal) && name != "action type")
            ?? (underActionItems ? IndexOf(names, name => name is "task" or "item" or "what" or "to do" or "todo" or "follow-up" or "title") : null);
        var owner = IndexOf(names, name => name.Contains("owner", StringComparison.Ordinal))
            ?? (underActionItems ? IndexOf(names, name => name is "assignee" or "assigned to" or "who" or "dri" or "responsible") : null);
        if (description is not { } descriptionColumn || owner is not { } ownerColumn)
        {
            return null;
        }

        var columns = new ActionItemColumns(
            descriptionColumn,
            ownerColumn,
            Id: IndexOf(names, name => name is "#" or "id" or "no" or "no."),
            Type: IndexOf(names, name => name is "type" or "action type" or "category"),
            Priority: IndexOf(names, name => name.Contains("priority", StringComparison.Ordinal)),
            DueDate: IndexOf(names, name => name.Contains("due", StringComparison.Ordinal)),
            Status: IndexOf(names, name => name.Contains("status", StringComparison.Ordinal)),
            Ticket: null);

        // Last, and only among the columns nothing else took: "Issue Description" is the description, "Jira Status" the status.
        int?[] taken = [columns.Description, columns.Owner, columns.Id, columns.Type, columns.Priority, columns.DueDate, columns.Status];
        return columns with { Ticket = IndexOf(names, (name, index) => !taken.Contains(index) && IsTicket(name)) };
    }

    /// <summary>A row whose only filled cell is a plain row number: a template's row waiting to be written.</summary>
    public bool IsNumberOnly(IReadOnlyList<string> row) =>
        Cell(row, Id) is { } id && ActionItemKeys.IsRowNumber(id) &&
        row.Select((cell, index) => (cell, index)).All(column => column.index == Id || column.cell.Length == 0);

    /// <summary>One row's cells as written; a cell the row lacks (a short row) or leaves empty reads as null.</summary>
    public ActionItemInput Read(IReadOnlyList<string> row, IReadOnlyList<string?> links, string location) => new()
    {
        Id = Cell(row, Id) is { } id && !ActionItemKeys.IsRowNumber(id) ? id : null,
        Description = Cell(row, Description),
        Type = Cell(row, Type),
        Owner = Cell(row, Owner),
        Priority = Cell(row, Priority),
        DueDate = Cell(row, DueDate),
        Status = Cell(row, Status),
        TrackerKey = TicketCell(row, links),
        Location = location,
    };

    private static bool IsTicket(string name) =>
        name.Contains("ticket", StringComparison.Ordinal) || name.Contains("tracking", StringComparison.Ordinal) ||
        name.Contains("tracker", StringComparison.Ordinal) || name.Contains("jira", StringComparison.Ordinal) ||
        name.Contains("issue", StringComparison.Ordinal);

    /// <summary>
    /// "[PAY-123]" is the key in brackets; any other bracketed text ("[JIRA-link]") is the template's filler, read as no
    /// ticket. A link to a pull request is passed on as its address, which the normalizer knows is no issue ("[#102](…/pull/102)"
    /// would otherwise read as issue #102). Anything else is passed on as written for the normalizer to judge, so a
    /// mistyped key is an error, not silently a second issue.
    /// </summary>
    private string? TicketCell(IReadOnlyList<string> row, IReadOnlyList<string?> links)
    {
        if (Cell(row, Ticket) is not { } cell)
        {
            return null;
        }

        if (Ticket is { } column && column < links.Count && links[column] is { } link && TrackerKeys.IsPullRequest(link))
        {
            return link;
        }

        if (!MarkdownText.IsPlaceholder(cell))
        {
            return cell;
        }

        var inner = cell.Trim()[1..^1];
        return TrackerKeys.TryNormalize(inner, out _) ? inner : null;
    }

    private static string? Cell(IReadOnlyList<string> row, int? column) =>
        column is { } index && index < row.Count && row[index].Length > 0 ? row[index] : null;

    private static int? IndexOf(List<string> names, Func<string, bool> matches) => IndexOf(names, (name, _) => matches(name));

    private static int? IndexOf(List<string> names, Func<string, int, bool> matches)
    {
        for (var index = 0; index < names.Count; index++)
        {
            if (matches(names[index], index))
            {
                return index;
            }
        }

        return null;
    }
}
