namespace IncidentBridge.Incidents;

internal sealed record TimelineRow(long At, string Kind, string Message, string? Actor);
