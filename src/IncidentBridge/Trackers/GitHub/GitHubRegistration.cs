namespace IncidentBridge.Trackers.GitHub;

internal static class GitHubRegistration
{
    /// <summary>
    /// Registers the GitHub tracker whether or not a token is configured: without one it answers every call with
    /// <see cref="TrackerRejectedException"/>, so items routed to GitHub wait in storage instead of being lost, and are
    /// tried again at each start and after the rejected-retry delay.
    /// </summary>
    public static WebApplicationBuilder AddGitHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GitHubOptions, GitHubOptionsValidator>(GitHubOptions.Section);
        return builder.AddTracker<GitHubTracker, GitHubWebhookReader>();
    }
}
