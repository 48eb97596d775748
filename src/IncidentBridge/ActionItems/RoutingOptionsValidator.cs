using IncidentBridge.Trackers;
using Microsoft.Extensions.Options;

namespace IncidentBridge.ActionItems;

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
