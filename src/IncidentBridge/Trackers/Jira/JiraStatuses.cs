using IncidentBridge.ActionItems;

namespace IncidentBridge.Trackers.Jira;

internal static class JiraStatuses
{
    public const string NewCategory = "new";
    public const string InProgressCategory = "indeterminate";
    public const string DoneCategory = "done";

    /// <summary>
    /// The resolutions of Jira's default schemes (Cloud, Data Center, Service Management) that say nobody will do
    /// the work. They sit in the <c>done</c> category like real done work, so only the resolution tells them apart.
    /// </summary>
    private static readonly HashSet<string> NotDoingResolutions = new(StringComparer.OrdinalIgnoreCase)
    {
        "Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined",
    };

    /// <summary>
    /// Maps the status category, not the status name: workflows name their statuses freely, but every status
    /// belongs to <c>new</c>, <c>indeterminate</c> or <c>done</c>.
    /// </summary>
    public static string FromCategory(string? categoryKey) => categoryKey switch
    {
        DoneCategory => ActionItemStatus.Done,
        InProgressCategory => ActionItemStatus.InProgress,
        _ => ActionItemStatus.Open,
    };

    /// <summary>
    /// The status category, with a done issue's resolution read as well. A resolution left behind on a reopened
    /// issue (a common workflow slip) does not count: only a done one is <c>not-doing</c>.
    /// </summary>
    public static string Of(JiraFoundFields? fields)
    {
        var status = FromCategory(fields?.Status?.StatusCategory?.Key);
        return status == ActionItemStatus.Done && IsNotDoing(fields?.Resolution?.Name) ? ActionItemStatus.NotDoing : status;
    }

    /// <summary>The category a status asks for; null for <c>open</c> (never moved back to) and anything unknown.</summary>
    public static string? CategoryFor(string status) => status switch
    {
        ActionItemStatus.InProgress => InProgressCategory,
        ActionItemStatus.Done => DoneCategory,
        _ => null,
    };

    // Typographic apostrophes appear in renamed resolutions ("Won’t Do").
    private static bool IsNotDoing(string? resolution) =>
        resolution is not null && NotDoingResolutions.Contains(resolution.Trim().Replace('\u2019', '\''));
}
