using Microsoft.Extensions.Options;

namespace IncidentBridge.Trackers.Jira;

/// <summary>Names each bad key; never echoes a credential (or the URL, which may carry user info).</summary>
internal sealed class JiraOptionsValidator : IValidateOptions<JiraOptions>
{
    private const string S = JiraOptions.Section;

    // Polly refuses timeouts under 10 ms; more than a few minutes per attempt would hold a worker for nothing.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, JiraOptions options)
    {
        var failures = new List<string>();
        if (options.ApiVersion is not (2 or 3))
        {
            failures.Add($"{S}:ApiVersion must be 3 (Jira Cloud) or 2 (Jira Data Center) (was {options.ApiVersion}).");
        }

        if (string.IsNullOrWhiteSpace(options.IssueType))
        {
            failures.Add($"{S}:IssueType must not be empty.");
        }

        if (options.Timeout < MinTimeout || options.Timeout > MaxTimeout)
        {
            failures.Add($"{S}:Timeout must be between {MinTimeout} and {MaxTimeout} (was {options.Timeout}).");
        }

        if (options.MaxRetryAttempts is < 0 or > 5)
        {
            failures.Add($"{S}:MaxRetryAttempts must be between 0 and 5 (was {options.MaxRetryAttempts}).");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{S}:RetryDelay must be between 00:00:00 and 00:01:00 (was {options.RetryDelay}).");
        }

        // A day covers every UTC offset of the bot user's time zone; more would re-read most of the project each sync.
        if (options.SyncOverlap < TimeSpan.Zero || options.SyncOverlap > TimeSpan.FromDays(1))
        {
            failures.Add($"{S}:SyncOverlap must be between 00:00:00 and 1.00:00:00 (was {options.SyncOverlap}).");
        }

        if (options.IsConfigured)
        {
            failures.AddRange(ConnectionFailures(options));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> ConnectionFailures(JiraOptions options)
    {
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"{S}:BaseUrl must be an absolute http or https URL such as https://acme.atlassian.net.";
        }

        var basic = Has(options.Email) || Has(options.ApiToken);
        var bearer = Has(options.BearerToken);
        if (basic && bearer)
        {
            yield return $"{S}: set either {S}:Email and {S}:ApiToken (Jira Cloud) or {S}:BearerToken (Data Center personal access token), not both.";
        }
        else if (!basic && !bearer)
        {
            yield return $"{S}:BaseUrl is set but no credentials are: set {S}:Email and {S}:ApiToken (Jira Cloud) or {S}:BearerToken (Data Center personal access token).";
        }
        else if (basic && !Has(options.Email))
        {
            yield return $"{S}:Email is required with {S}:ApiToken (basic auth is email:api_token).";
        }
        else if (basic && !Has(options.ApiToken))
        {
            yield return $"{S}:ApiToken is required with {S}:Email (basic auth is email:api_token).";
        }
    }

    private static bool Has(string? value) => !string.IsNullOrWhiteSpace(value);
}
