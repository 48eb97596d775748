using IncidentBridge.ActionItems;

namespace IncidentBridge.Trackers.Jira;

internal static class JiraStatuses
{
    public const string DoneCategory = "done";

    /// <summary>
    /// Maps the status category, not the status name: workflows name their statuses freely, but every status
    /// belongs to <c>new</c>, <c>indeterminate</c> or <c>done</c>.
    /// </summary>
    public static string FromCategory(string? categoryKey) => categoryKey switch
    {
        DoneCategory => ActionItemStatus.Done,
        "indeterminate" => ActionItemStatus.InProgress,
        _ => ActionItemStatus.Open,
    };
}
