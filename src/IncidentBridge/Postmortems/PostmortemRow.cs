namespace IncidentBridge.Postmortems;

/// <summary>A postmortem as stored: <see cref="Document"/> is the posted document as JSON, <see cref="Body"/> the body as posted.</summary>
internal sealed record PostmortemRow(
    long Seq,
    string Id,
    string IncidentId,
    string Title,
    string Status,
    string? Severity,
    string? Date,
    long? PublishedAt,
    string Format,
    string Document,
    long CreatedAt,
    long UpdatedAt);

/// <summary>The week-4 review's outcome, stored on the postmortem: when, and how its action items stood.</summary>
internal sealed record PostmortemReview(DateTimeOffset ReviewedAt, int Done, int Open, int Overdue);
