using System.Security.Cryptography;

namespace IncidentBridge.Correlation;

/// <summary>
/// What correlation keys alerts and pages by, outside the incident tables: the digest of an alert's correlation labels,
/// the PagerDuty dedup key of a group, the order keys that shard the inbox, and the names of the locks correlation takes.
/// </summary>
internal static class CorrelationKey
{
    /// <summary>
    /// A digest of the configured labels' values ("service=checkout, cluster=eu-1"), indexed on the incident
    /// so that matching is one lookup. Null when the alert has none of the labels: it then correlates by
    /// group key and fingerprint only.
    /// </summary>
    /// <param name="known">
    /// Digests already worked out, by the values they digest: the alerts of one notification mostly share them (a group's
    /// labels are often the correlation labels), and a SHA-256 through OpenSSL costs microseconds however short its input.
    /// </param>
    public static string? Of(IReadOnlyDictionary<string, string> labels, IReadOnlyList<string> keys, Dictionary<string, string>? known = null)
    {
        var canonical = new StringBuilder();
        var any = false;
        foreach (var key in keys)
        {
            labels.TryGetValue(key, out var value);
            any |= !string.IsNullOrEmpty(value);
            canonical.Append(key).Append('=').Append(value).Append('\n');
        }

        if (!any)
        {
            return null;
        }

        var text = canonical.ToString();
        if (known?.GetValueOrDefault(text) is { } digest)
        {
            return digest;
        }

        digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
        known?.Add(text, digest);
        return digest;
    }

    /// <summary>The dedup key Alertmanager's (and Grafana's) PagerDuty integration sends for a group: SHA-256 of the group key, lower-case hex (docs/PROTOCOLS.md, Alertmanager).</summary>
    public static string PagerDutyDedupKey(string groupKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)));

    /// <summary>
    /// The order key (<c>IncomingDelivery.OrderKey</c>) of a notification: its group's dedup key, which is also the
    /// incident key of the pages Alertmanager's own PagerDuty integration sends for the group (<see cref="OfPage"/>),
    /// so a group's notifications and those pages are processed in the order they arrived.
    /// </summary>
    public static string? OrderOfGroup(string? groupKey) => groupKey is null ? null : PagerDutyDedupKey(groupKey);

    /// <summary>
    /// The inbox lane (<c>IncomingDelivery.Lane</c>) of a notification: the sender and the Alertmanager route it left by,
    /// the group key without its group labels (<c>{}/{team="payments"}</c> of <c>{}/{team="payments"}:{service="x"}</c>).
    /// A storm of one route's groups then does not hold up another route's notifications. Only an order of claims
    /// between groups depends on it, so a group key of another shape just makes the whole key the lane.
    /// </summary>
    public static string LaneOfGroup(string source, string groupKey)
    {
        var labels = groupKey.LastIndexOf(":{", StringComparison.Ordinal);
        return $"{source}:{(labels < 0 ? groupKey : groupKey[..labels])}";
    }

    /// <summary>
    /// The order key of a PagerDuty event: its incident key, as a dedup key (a group key sent as incident key is hashed
    /// like one), else the PagerDuty incident's id. Events of one incident without the incident key may take another
    /// shard: their order does not matter (<see cref="PageCorrelator"/> applies status changes by their time).
    /// </summary>
    public static string? OrderOfPage(JsonElement? data)
    {
        var (id, incidentKey) = PagerDutyIncidentData.ReferenceOf(data);
        return incidentKey is not { Length: > 0 } ? id
            : incidentKey.Length == 64 && incidentKey.All(char.IsAsciiHexDigitLower) ? incidentKey
            : PagerDutyDedupKey(incidentKey);
    }
}

/// <summary>
/// The names of the locks correlation takes (<see cref="IDatabase.LockInAsync"/>) before it matches: one per key an
/// incident can be found by. Alerts and pages that can meet in one incident share at least one of them: a page's incident
/// key is an alert's group key, its SHA-256 (the dedup key) or an alert's fingerprint.
/// </summary>
internal static class CorrelationLocks
{
    public static string GroupKey(string groupKey) => $"correlation:group:{groupKey}";

    public static string DedupKey(string dedupKey) => $"correlation:dedup:{dedupKey}";

    public static string Fingerprint(string fingerprint) => $"correlation:fingerprint:{fingerprint}";

    public static string Hash(string correlationHash) => $"correlation:hash:{correlationHash}";

    public static string Page(string pagerDutyIncidentId) => $"correlation:page:{pagerDutyIncidentId}";
}
