using System.Text.Json;

namespace IncidentBridge.ActionItems;

/// <summary>
/// One route: <c>{ "Match": { "service": "payments" }, "Tracker": "Jira", "Project": "PAY" }</c> or
/// <c>{ ..., "Tracker": "GitHub", "Repository": "acme/payments" }</c>, with optional extra labels, and for
/// Jira the issue type, components and the custom fields a project requires.
/// </summary>
internal sealed class RouteRule
{
    public Dictionary<string, string> Match { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string? Tracker { get; set; }

    public string? Project { get; set; }

    public string? Repository { get; set; }

    public string? IssueType { get; set; }

    public List<string> Labels { get; set; } = [];

    public List<string> Components { get; set; } = [];

    /// <summary>Read from the rule's <c>CustomFields</c> section as JSON (see <see cref="RoutingCustomFields"/>), not by the binder.</summary>
    public Dictionary<string, JsonElement> CustomFieldValues { get; } = [];
}
