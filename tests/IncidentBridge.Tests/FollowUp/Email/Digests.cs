using IncidentBridge.FollowUp.Email;

namespace IncidentBridge.Tests.FollowUp.Email;

/// <summary>Builders for digests, so each test states only what it is about.</summary>
internal static class Digests
{
    public static readonly DateOnly Today = new(2026, 3, 20);

    public static DigestItem Item(
        string description = "Add an alert on queue depth",
        string incidentId = "INC-2026-0042",
        string incidentTitle = "Checkout outage",
        string priority = "P1",
        int daysOverdue = 5,
        string? trackerKey = "PAY-12",
        string? trackerUrl = "https://acme.atlassian.net/browse/PAY-12",
        string? id = null) =>
        new(
            id ?? $"ai-{incidentId}-{description.GetHashCode(StringComparison.Ordinal):x8}",
            description,
            incidentId,
            incidentTitle,
            priority,
            Today.AddDays(-daysOverdue),
            daysOverdue,
            trackerKey,
            trackerUrl);

    public static OwnerDigest For(string owner, params DigestItem[] items) => new(owner, $"{owner}@example.com", items, []);

    /// <summary>An open item due in <paramref name="days"/> days (0: today).</summary>
    public static DigestItem DueIn(int days, string description = "Add a dashboard for the pool", string priority = "P2") =>
        Item(description, priority: priority, daysOverdue: -days);

    public static OverduePostmortem Postmortem(
        string incidentId = "INC-2026-0050", string title = "Database failover", string severity = "SEV1", string? postmortemId = null, string? status = null) =>
        new(incidentId, title, severity, new DateTimeOffset(2026, 3, 15, 14, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 17, 14, 30, 0, TimeSpan.Zero), postmortemId, status);

    public static OwnerDigest WithRepeats(this OwnerDigest digest, params RepeatIncident[] repeats) => digest with { RepeatIncidents = repeats };
}
