namespace IncidentBridge.Postmortems;

/// <summary>The week-4 review's outcome, stored on the postmortem: when, and how its action items stood.</summary>
internal sealed record PostmortemReview(DateTimeOffset ReviewedAt, int Done, int Open, int Overdue);
