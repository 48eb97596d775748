using System.Text.Json;

namespace IncidentBridge.Trackers;

/// <summary>
/// Where an issue goes: a Jira project (with issue type, components and custom fields that project requires)
/// or a GitHub repository ("owner/name"), plus extra labels of the route.
/// </summary>
internal sealed record TrackerTarget(
    string Tracker,
    string? Project,
    string? Repository,
    string? IssueType,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Components,
    IReadOnlyDictionary<string, JsonElement> CustomFields);
