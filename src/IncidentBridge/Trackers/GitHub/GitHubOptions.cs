namespace IncidentBridge.Trackers.GitHub;

/// <summary>Connection to GitHub or GitHub Enterprise Server (section <c>IncidentBridge:Trackers:GitHub</c>).</summary>
internal sealed class GitHubOptions
{
    public const string Section = "IncidentBridge:Trackers:GitHub";

    /// <summary>
    /// The API root. For any host other than github.com Octokit appends <c>api/v3/</c> (GitHub Enterprise Server),
    /// so <c>https://ghe.example.com/</c> and <c>https://ghe.example.com/api/v3/</c> mean the same.
    /// </summary>
    public string BaseUrl { get; set; } = "https://api.github.com/";

    /// <summary>A personal access or installation token; null or empty means GitHub is not configured.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Pace of issue creation and other mutating calls. GitHub's secondary limit allows at most 80 content-creating
    /// requests a minute and asks for mutating calls to be serial and about a second apart, hence 60.
    /// </summary>
    public int CreatesPerMinute { get; set; } = 60;

    /// <summary>How long one request may take before the tracker counts as unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrEmpty(Token);

    /// <summary>The least time between the starts of two mutating calls.</summary>
    public TimeSpan WriteSpacing => TimeSpan.FromMinutes(1) / Math.Max(CreatesPerMinute, 1);
}

/// <summary>Collects every bad key and names each; never echoes the token.</summary>
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
