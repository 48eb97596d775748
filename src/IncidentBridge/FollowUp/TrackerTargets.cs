using System.Text.Json;
using IncidentBridge.Trackers;

namespace IncidentBridge.FollowUp;

internal static class TrackerTargets
{
    /// <summary>The target an issue lives in, as recorded on the item: a Jira project or a GitHub repository.</summary>
    public static TrackerTarget Of(string tracker, string target) => new(
        tracker,
        string.Equals(tracker, TrackerNames.Jira, StringComparison.OrdinalIgnoreCase) ? target : null,
        string.Equals(tracker, TrackerNames.GitHub, StringComparison.OrdinalIgnoreCase) ? target : null,
        null,
        [],
        [],
        new Dictionary<string, JsonElement>());
}
