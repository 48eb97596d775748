namespace IncidentBridge.FollowUp;

/// <summary>
/// What a job run did: a one-line summary, counts by name (e.g. <c>synced</c>, <c>flagged</c>, <c>sent</c>), and the
/// problems it met and did not stop for (a deleted issue, a refused recipient), each reported, none swallowed.
/// </summary>
internal sealed record JobResult(
    string Job,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Summary,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyList<string> Problems);
