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
