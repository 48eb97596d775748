namespace IncidentBridge.FollowUp.Email;

/// <summary>Everything one owner's weekly e-mail says. Owners with nothing overdue get no digest at all.</summary>
internal sealed record OwnerDigest(string Owner, string Email, IReadOnlyList<DigestItem> Items, IReadOnlyList<RepeatIncident> RepeatIncidents);
