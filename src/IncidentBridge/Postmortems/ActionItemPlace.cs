namespace IncidentBridge.Postmortems;

/// <summary>
/// Names an action item's field in an error the way its author can find it: the JSON path for JSON
/// (<c>actionItems[2].priority</c>), or the table, row and column for Markdown
/// (<c>table 8 "Short-Term Actions (Within 1 Week)", row 2, Priority</c>).
/// </summary>
internal readonly record struct ActionItemPlace(string? Location, int Index)
{
    public string Item => Location ?? $"actionItems[{Index}]";

    public string Field(string jsonName, string columnName) =>
        Location is null ? $"actionItems[{Index}].{jsonName}" : $"{Location}, {columnName}";
}
