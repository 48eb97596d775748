namespace IncidentBridge.ActionItems;

/// <summary>
/// Picks the tracker target for an action item from <c>IncidentBridge:Routing</c>. A rule's <c>Match</c> compares the
/// incident's labels (<c>team</c> included: the incident's team), except <c>owner</c>, which compares the item's owner (a
/// person or a team such as "DBA Team"): rules about the owner come first, so an item owned by another team lands in
/// that team's tracker.
/// </summary>
internal sealed class ActionItemRouter(IOptions<RoutingOptions> options)
{
    private static readonly string[] ItemKeys = ["owner"];

    /// <summary>
    /// The first rule that names the item's owner and matches, else the first other rule whose every <c>Match</c> label
    /// equals the incident's (case-insensitive), else the default, else null.
    /// </summary>
    public TrackerTarget? Route(IReadOnlyDictionary<string, string> incidentLabels, string? owner = null)
    {
        bool AboutItem(RouteRule rule) => rule.Match.Keys.Any(key => ItemKeys.Contains(key, StringComparer.OrdinalIgnoreCase));
        bool Matches(RouteRule rule) => rule.Match.All(m => ItemKeys.Contains(m.Key, StringComparer.OrdinalIgnoreCase)
            ? owner is not null && string.Equals(Bare(m.Value), Bare(owner), StringComparison.OrdinalIgnoreCase)
            : incidentLabels.TryGetValue(m.Key, out var value) && string.Equals(value, m.Value, StringComparison.OrdinalIgnoreCase));
        var rules = options.Value.Rules;
        var rule = rules.Where(AboutItem).FirstOrDefault(Matches) ?? rules.Where(r => !AboutItem(r)).FirstOrDefault(Matches) ?? options.Value.Default;
        return rule is null ? null : new TrackerTarget(
            rule.Tracker ?? "",
            rule.Project,
            rule.Repository,
            rule.IssueType,
            rule.Labels,
            rule.Components,
            rule.CustomFieldValues);
    }

    private static string Bare(string owner) => owner.Trim().TrimStart('@');
}
