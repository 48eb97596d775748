using System.Globalization;

namespace IncidentBridge.Trackers.Jira;

internal static class JiraTimestamp
{
    /// <summary>
    /// Jira's <c>2025-03-14T10:15:30.000+0000</c> (no colon in the offset, so not what System.Text.Json reads);
    /// null when absent or unreadable.
    /// </summary>
    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
}
