using System.Security.Cryptography;

namespace IncidentBridge.ActionItems;

internal static class ActionItemMarker
{
    public const string Prefix = "incidentbridge-";

    /// <summary>
    /// The idempotency label of an action item: the same for the same incident and item key on every
    /// replica and every re-post, so a retry can find the issue a lost answer created (docs/ARCHITECTURE.md, "Exactly one issue per action item").
    /// </summary>
    public static string For(string incidentId, string itemKey) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{incidentId}\n{itemKey}")).AsSpan(0, 10));
}
