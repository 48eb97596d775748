using System.Security.Cryptography;
using System.Text;

namespace IncidentBridge.Postmortems;

/// <summary>
/// The key that ties an action item to its tracker issue across re-posts of the postmortem: the author's id when
/// the table or JSON gives one, else derived from the description, so re-wrapping or re-casing a line does not
/// file a second issue (rewording it does: without an id there is nothing else to recognise it by).
/// </summary>
internal static class ActionItemKeys
{
    public static string For(string? id, string description) =>
        string.IsNullOrWhiteSpace(id) ? FromDescription(description) : id.Trim();

    /// <summary>"d-" and the first 16 hex digits of SHA-256 over the lower-cased, single-spaced description.</summary>
    public static string FromDescription(string description)
    {
        var canonical = string.Join(' ', description.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .ToLowerInvariant();
        return "d-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}
