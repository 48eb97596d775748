using System.Text.RegularExpressions;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// Turns an action item's values into what Jira's fields accept. Below: the edit that brings an existing issue in
/// line with them, and the JQL that finds issues by those values (labels are the only marker JQL can search).
/// </summary>
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

/// <summary>
/// What an update sends to bring an issue in line with its action item: only what differs from the issue as read,
/// or nothing at all. Labels go through <c>update</c> operations, one label at a time, so the labels people added
/// stay; everything else through <c>fields</c>.
/// </summary>
internal static class JiraIssueEdit
{
    /// <summary>The priority labels the dispatcher writes (the item's priority, lowercase); another one is stale.</summary>
    private static readonly HashSet<string> PriorityLabels = new(StringComparer.OrdinalIgnoreCase) { "p0", "p1", "p2", "p3" };

    /// <param name="current">The issue's fields as read just before.</param>
    /// <param name="wanted">Summary, description, due date, priority and assignee as a create would write them; a null priority or assignee leaves the issue's own.</param>
    /// <param name="labels">Every label the issue should carry (marker included).</param>
    public static JiraEditIssueRequest? Plan(JiraFoundFields? current, JiraIssueFields wanted, IReadOnlyList<string> labels)
    {
        var fields = new JiraIssueFields
        {
            Summary = wanted.Summary == current?.Summary ? null : wanted.Summary,
            Description = SameDescription(current?.Description, wanted.Description) ? null : wanted.Description,
            DueDate = wanted.DueDate == current?.DueDate ? null : wanted.DueDate,
            Priority = wanted.Priority is { } priority && priority.Name != current?.Priority?.Name ? priority : null,
            Assignee = wanted.Assignee is { } assignee && !IsAssigned(current?.Assignee, assignee) ? assignee : null,
        };
        var sendFields = fields.Summary is not null || fields.Description is not null || fields.DueDate is not null || fields.Priority is not null || fields.Assignee is not null;
        var labelOperations = LabelOperations(current?.Labels ?? [], labels);
        var clearDueDate = wanted.DueDate is null && !string.IsNullOrEmpty(current?.DueDate);
        if (!sendFields && labelOperations.Count == 0 && !clearDueDate)
        {
            return null;
        }

        var update = labelOperations.Count > 0 || clearDueDate
            ? new JiraIssueUpdate(labelOperations.Count > 0 ? labelOperations : null, clearDueDate ? [new JiraClearOperation()] : null)
            : null;
        return new JiraEditIssueRequest(sendFields ? fields : null, update);
    }

    /// <summary>The labels missing from <paramref name="current"/> added, and a priority label that is not wanted removed.</summary>
    private static IReadOnlyList<JiraLabelOperation> LabelOperations(IReadOnlyList<string> current, IReadOnlyList<string> wanted)
    {
        var have = current.ToHashSet(StringComparer.Ordinal);
        var want = wanted.ToHashSet(StringComparer.Ordinal);
        return current.Where(label => PriorityLabels.Contains(label) && !want.Contains(label)).Distinct(StringComparer.Ordinal).Select(label => new JiraLabelOperation(Remove: label))
            .Concat(wanted.Where(label => !have.Contains(label)).Distinct(StringComparer.Ordinal).Select(label => new JiraLabelOperation(Add: label)))
            .ToList();
    }

    /// <summary>
    /// Compared as JSON values (ADF documents, or wiki strings). Should Jira hand a document back with parts added,
    /// the two differ and the description is written again: harmless, only not as quiet as it could be.
    /// </summary>
    private static bool SameDescription(JsonElement? current, JsonElement? wanted) =>
        current is { } have && wanted is { } want && JsonElement.DeepEquals(have, want);

    // Cloud names users by accountId, Data Center by name.
    private static bool IsAssigned(JiraUser? current, JiraUserRef wanted) =>
        current is not null
        && (wanted.AccountId is null || wanted.AccountId == current.AccountId)
        && (wanted.Name is null || wanted.Name == current.Name);
}

/// <summary>The two searches the worker makes: by marker label, and the action-item issues changed since a time.</summary>
internal static class JiraJql
{
    /// <summary>The issues of a project carrying a label: how the idempotency marker is looked up.</summary>
    public static string ProjectAndLabel(string project, string label) => $"project = {Quote(project)} AND labels = {Quote(label)}";

    /// <summary>
    /// The project's action-item issues updated at or after <paramref name="from"/> (all of them when null), oldest
    /// change first. JQL takes minutes only: the time is cut down to its minute, which widens the window, never narrows it.
    /// It is written in UTC but read in the bot user's time zone; <see cref="JiraOptions.SyncOverlap"/> covers the difference
    /// (docs/PROTOCOLS.md, Jira, "Searching").
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
