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

    /// <summary>The target an issue key names: <c>PAY-12</c> → <c>PAY</c>, <c>acme/payments#7</c> → <c>acme/payments</c>; null when it names none.</summary>
    public static string? OfKey(string tracker, string key)
    {
        var cut = string.Equals(tracker, TrackerNames.GitHub, StringComparison.OrdinalIgnoreCase) ? key.LastIndexOf('#') : key.LastIndexOf('-');
        return cut > 0 ? key[..cut] : null;
    }
}
