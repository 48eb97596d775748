namespace IncidentBridge.Postmortems;

/// <summary>A checked, normalised postmortem, ready to store and to turn into tracker issues.</summary>
internal sealed record Postmortem(
    string Title,
    DateOnly? Date,
    string? Severity,
    string Status,
    DateTimeOffset? PublishedAt,
    string? Summary,
    string? RootCause,
    IReadOnlyList<ActionItem> ActionItems,
    PostmortemDocument Document)
{
    public bool IsPublished => Status == PostmortemStatus.Published;
}
