using IncidentBridge.Trackers;
using Microsoft.Extensions.Options;

namespace IncidentBridge.ActionItems;

/// <summary>Picks the tracker target for an incident's action items from <c>IncidentBridge:Routing</c>.</summary>
internal sealed class ActionItemRouter(IOptions<RoutingOptions> options)
{
    /// <summary>The first rule whose every <c>Match</c> label equals the incident's (case-insensitive), else the default, else null.</summary>
    public TrackerTarget? Route(IReadOnlyDictionary<string, string> incidentLabels)
    {
        var rule = options.Value.Rules.FirstOrDefault(r => r.Match.All(m =>
            incidentLabels.TryGetValue(m.Key, out var value) && string.Equals(value, m.Value, StringComparison.OrdinalIgnoreCase)))
            ?? options.Value.Default;
        return rule is null ? null : new TrackerTarget(
            rule.Tracker ?? "",
            rule.Project,
            rule.Repository,
            rule.IssueType,
            rule.Labels,
            rule.Components,
            rule.CustomFieldValues);
    }
}
