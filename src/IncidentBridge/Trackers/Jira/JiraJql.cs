using System.Globalization;

namespace IncidentBridge.Trackers.Jira;

internal static class JiraJql
{
    /// <summary>The issues of a project carrying a label: how the idempotency marker is looked up.</summary>
    public static string ProjectAndLabel(string project, string label) => $"project = {Quote(project)} AND labels = {Quote(label)}";

    /// <summary>
    /// The project's action-item issues updated at or after <paramref name="from"/> (all of them when null), oldest
    /// change first. JQL takes minutes only: the time is cut down to its minute, which widens the window, never narrows it.
    /// It is written in UTC but read in the bot user's time zone; <see cref="JiraOptions.SyncOverlap"/> covers the difference.
    /// </summary>
    public static string ChangedSince(string project, DateTimeOffset? from)
    {
        var jql = ProjectAndLabel(project, TrackerLabels.ActionItem);
        if (from is { } start)
        {
            jql += $" AND updated >= {Quote(start.UtcDateTime.ToString("yyyy'/'MM'/'dd HH':'mm", CultureInfo.InvariantCulture))}";
        }

        return jql + " ORDER BY updated ASC";
    }

    /// <summary>A JQL string literal: quotes and backslashes escaped, so a value cannot change the query.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
