using System.Globalization;
using System.Text.RegularExpressions;

namespace IncidentBridge.Trackers.Jira;

/// <summary>Turns an action item's values into what Jira's fields accept.</summary>
internal static partial class JiraFieldValues
{
    public static string Summary(string title) => JiraText.Truncate(JiraText.SingleLine(title), JiraText.MaxSummaryLength);

    public static string? DueDate(DateOnly? dueDate) => dueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Jira labels cannot contain spaces and are at most 255 characters. The marker is always among them:
    /// it is what a retry searches for (JQL cannot search entity properties).
    /// </summary>
    public static IReadOnlyList<string> Labels(IEnumerable<string> labels, string marker) =>
        labels.Append(marker)
            .Select(label => JiraText.Truncate(Whitespace().Replace(label.Trim(), "-"), JiraText.MaxLabelLength))
            .Where(label => label.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Jira's default priority scheme; an unknown priority is left to the project's default.</summary>
    public static JiraNameRef? Priority(string priority) => priority.Trim().ToUpperInvariant() switch
    {
        "P0" or "CRITICAL" or "HIGHEST" => new JiraNameRef("Highest"),
        "P1" or "HIGH" => new JiraNameRef("High"),
        "P2" or "MEDIUM" => new JiraNameRef("Medium"),
        "P3" or "LOW" => new JiraNameRef("Low"),
        _ => null,
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
