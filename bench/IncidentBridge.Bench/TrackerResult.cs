namespace IncidentBridge.Bench;

/// <summary>The tracker-cost bench: how the 10,000 issues were made, and what each status sync asked Jira.</summary>
internal sealed record TrackerResult(
    int Incidents,
    int Items,
    TimeSpan CreateTime,
    long Creates,
    IReadOnlyList<SyncRun> Runs,
    long DoneItemsAfter,
    IReadOnlyDictionary<string, long> RequestsByKind);

/// <summary>One <c>POST /api/jobs/status-sync/run</c>: what had changed in the fake, the search requests Jira saw, and the job's own counts.</summary>
internal sealed record SyncRun(string Name, int ChangedInJira, long SearchRequests, long OtherRequests, IReadOnlyDictionary<string, long> JobCounts, string Summary, TimeSpan Duration);
