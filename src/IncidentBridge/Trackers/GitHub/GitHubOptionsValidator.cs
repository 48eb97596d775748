using Microsoft.Extensions.Options;

namespace IncidentBridge.Trackers.GitHub;

internal sealed class GitHubOptionsValidator : IValidateOptions<GitHubOptions>
{
    // HttpClient refuses timeouts above int.MaxValue milliseconds; a day is already far beyond any sane request.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, GitHubOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{GitHubOptions.Section}:BaseUrl must be an absolute http(s) URL such as https://api.github.com/ (was '{options.BaseUrl}').");
        }

        // The value itself is never echoed: it is a secret.
        if (options.Token is { Length: > 0 } token && (string.IsNullOrWhiteSpace(token) || token.Any(char.IsWhiteSpace)))
        {
            failures.Add($"{GitHubOptions.Section}:Token contains whitespace (a trailing newline from a secret file?): set the token alone, or leave it empty to switch GitHub off.");
        }

        if (options.CreatesPerMinute < 1)
        {
            failures.Add($"{GitHubOptions.Section}:CreatesPerMinute must be at least 1 (was {options.CreatesPerMinute}); GitHub allows at most 80 content-creating requests a minute.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            failures.Add($"{GitHubOptions.Section}:Timeout must be positive and at most {MaxTimeout} (was {options.Timeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
