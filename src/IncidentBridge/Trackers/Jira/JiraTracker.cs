using Microsoft.Extensions.Http;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The singleton <see cref="ITracker"/> for Jira. Typed clients are transient (their handlers rotate), so a
/// long-lived dispatcher must not hold one: this asks the factory for a fresh <see cref="JiraClient"/> per call.
/// </summary>
internal sealed class JiraTracker(IHttpClientFactory httpClients, ITypedHttpClientFactory<JiraClient> jiraClients) : ITracker
{
    public string Name => TrackerNames.Jira;

    public Task<IReadOnlyList<TrackerIssue>> FindByMarkerAsync(TrackerTarget target, string marker, CancellationToken cancellationToken) =>
        Client().FindByMarkerAsync(target, marker, cancellationToken);

    public Task<TrackerIssue?> GetAsync(TrackerTarget target, string key, CancellationToken cancellationToken) =>
        Client().GetAsync(target, key, cancellationToken);

    public Task SetStatusAsync(TrackerTarget target, string key, string status, CancellationToken cancellationToken) =>
        Client().SetStatusAsync(target, key, status, cancellationToken);

    public Task CommentOnceAsync(TrackerTarget target, string key, TrackerComment comment, CancellationToken cancellationToken) =>
        Client().CommentOnceAsync(target, key, comment, cancellationToken);

    public Task CloseAsDuplicateAsync(TrackerTarget target, string duplicateKey, string keptKey, TrackerComment comment, CancellationToken cancellationToken) =>
        Client().CloseAsDuplicateAsync(target, duplicateKey, keptKey, comment, cancellationToken);

    public Task<TrackerIssue> CreateAsync(TrackerTarget target, NewTrackerIssue issue, CancellationToken cancellationToken) =>
        Client().CreateAsync(target, issue, cancellationToken);

    public Task<TrackerIssue> UpdateAsync(TrackerTarget target, string key, NewTrackerIssue issue, CancellationToken cancellationToken) =>
        Client().UpdateAsync(target, key, issue, cancellationToken);

    public Task<TrackerChanges> GetChangedSinceAsync(TrackerTarget target, DateTimeOffset? since, CancellationToken cancellationToken) =>
        Client().GetChangedSinceAsync(target, since, cancellationToken);

    public Task FlagOverdueAsync(TrackerTarget target, string issueKey, TrackerComment comment, CancellationToken cancellationToken) =>
        Client().FlagOverdueAsync(target, issueKey, comment, cancellationToken);

    private JiraClient Client() => jiraClients.CreateClient(httpClients.CreateClient(JiraClient.HttpClientName));
}
