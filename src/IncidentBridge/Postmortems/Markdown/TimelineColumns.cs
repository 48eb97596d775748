namespace IncidentBridge.Postmortems.Markdown;

/// <summary>Where a timeline table keeps its time, event and (optional) actor; other columns are ignored.</summary>
internal sealed record TimelineColumns(int Time, int Event, int? Actor)
{
    public static TimelineColumns? Find(IReadOnlyList<string> header)
    {
        var names = header.Select(MarkdownText.Key).ToList();
        var time = names.FindIndex(name => name == "time" || name.StartsWith("time ", StringComparison.Ordinal));
        var @event = names.FindIndex(name => name == "event" || name.StartsWith("event ", StringComparison.Ordinal));
        var actor = names.FindIndex(name => name is "actor" or "who" or "by");
        return time < 0 || @event < 0 ? null : new TimelineColumns(time, @event, actor < 0 ? null : actor);
    }

    public PostmortemTimelineEntry Read(IReadOnlyList<string> row) =>
        new(Cell(row, Time), Cell(row, Event), Actor is { } actor ? Cell(row, actor) : null);

    private static string? Cell(IReadOnlyList<string> row, int column) =>
        column < row.Count && row[column].Length > 0 ? row[column] : null;
}
