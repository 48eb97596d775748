using System.Security.Cryptography;
using System.Text;

namespace IncidentBridge.Correlation;

internal static class CorrelationKey
{
    /// <summary>
    /// A digest of the configured labels' values ("service=checkout, cluster=eu-1"), indexed on the incident
    /// so that matching is one lookup. Null when the alert has none of the labels: it then correlates by
    /// group key and fingerprint only.
    /// </summary>
    public static string? Of(IReadOnlyDictionary<string, string> labels, IReadOnlyList<string> keys)
    {
        var canonical = new StringBuilder();
        var any = false;
        foreach (var key in keys)
        {
            labels.TryGetValue(key, out var value);
            any |= !string.IsNullOrEmpty(value);
            canonical.Append(key).Append('=').Append(value).Append('\n');
        }

        return any ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())).AsSpan(0, 16)) : null;
    }
}
