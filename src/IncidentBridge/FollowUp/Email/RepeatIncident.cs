namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// A new incident that repeats an earlier one (<paramref name="RelatedIncidentId"/>) whose follow-ups are still open:
/// the digest points at it because unfinished action items are the likely reason it came back.
/// </summary>
internal sealed record RepeatIncident(string IncidentId, string Title, string RelatedIncidentId, int OpenItems, int OverdueItems);
