namespace IncidentBridge.Trackers.GitHub;

/// <summary>A route's <c>Repository</c> ("owner/name") split for Octokit.</summary>
internal sealed record GitHubRepository(string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";

    public static GitHubRepository Of(TrackerTarget target)
    {
        var parts = (target.Repository ?? "").Trim().Split('/');
        if (parts is not [{ Length: > 0 } owner, { Length: > 0 } name])
        {
            throw new TrackerRejectedException($"The route's GitHub repository must be \"owner/name\" (was '{target.Repository}').");
        }

        return new GitHubRepository(owner, name);
    }
}
