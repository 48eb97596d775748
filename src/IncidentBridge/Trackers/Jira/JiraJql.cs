namespace IncidentBridge.Trackers.Jira;

internal static class JiraJql
{
    /// <summary>The issues of a project carrying a label: how the idempotency marker is looked up.</summary>
    public static string ProjectAndLabel(string project, string label) => $"project = {Quote(project)} AND labels = {Quote(label)}";

    /// <summary>A JQL string literal: quotes and backslashes escaped, so a value cannot change the query.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
