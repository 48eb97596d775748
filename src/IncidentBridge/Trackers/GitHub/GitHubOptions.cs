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
