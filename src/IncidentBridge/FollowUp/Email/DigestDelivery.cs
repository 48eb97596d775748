namespace IncidentBridge.FollowUp.Email;

/// <summary>What happened to one owner's digest: sent, or not and why (<paramref name="Error"/> never holds a secret).</summary>
internal sealed record DigestDelivery(string Owner, string Email, bool Sent, string? Error);
