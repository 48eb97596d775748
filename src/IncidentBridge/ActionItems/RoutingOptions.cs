namespace IncidentBridge.ActionItems;

/// <summary><c>IncidentBridge:Routing</c>: rules about the item's owner first, then the first rule whose <c>Match</c> fits the incident's labels, else <c>Default</c> (see <see cref="ActionItemRouter"/>).</summary>
internal sealed class RoutingOptions
{
    public const string Section = "IncidentBridge:Routing";

    public List<RouteRule> Rules { get; set; } = [];

    public RouteRule? Default { get; set; }
}

internal sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var key = $"{RoutingOptions.Section}:Rules:{i}";
            if (options.Rules[i].Match.Count == 0)
            {
                failures.Add($"{key}:Match is empty: a rule matches incident labels, e.g. {{ \"service\": \"payments\" }} (use {RoutingOptions.Section}:Default for the fallback).");
            }

            failures.AddRange(RouteFailures(key, options.Rules[i]));
        }

        if (options.Default is { } route)
        {
            failures.AddRange(RouteFailures($"{RoutingOptions.Section}:Default", route));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> RouteFailures(string key, RouteRule rule)
    {
        switch (rule.Tracker)
        {
            case TrackerNames.Jira when string.IsNullOrWhiteSpace(rule.Project):
                yield return $"{key}:Project is missing: a Jira route names the project key, e.g. \"PAY\".";
                break;
            case TrackerNames.GitHub when rule.Repository is null || rule.Repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]:
                yield return $"{key}:Repository must be \"owner/name\" for a GitHub route (was '{rule.Repository}').";
                break;
            case TrackerNames.Jira or TrackerNames.GitHub:
                break;
            default:
                yield return $"{key}:Tracker must be Jira or GitHub (was '{rule.Tracker}').";
                break;
        }

        if (rule.Labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Contains(' ', StringComparison.Ordinal)))
        {
            yield return $"{key}:Labels must be non-empty and without spaces (Jira labels cannot hold spaces).";
        }
    }
}

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
