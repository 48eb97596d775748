using IncidentBridge.Correlation;
using IncidentBridge.Incidents;
using IncidentBridge.Trackers;

namespace IncidentBridge.FollowUp;

/// <summary>
/// Brings each issue's state back from its tracker (CONTRACT §6 status-sync). Per tracker target it asks only for
/// issues changed since the newest change it has seen (in the tracker's own clock, so no skew between us and it;
/// the tracker overlaps the window and repeats change nothing), so requests grow with changes, not with items.
/// When nothing changed the watermark stays put, so the next request is the same one (GitHub answers it with a
/// free 304). An issue moved to another key is recognised by its marker. A target that fails keeps its watermark.
/// </summary>
internal sealed partial class StatusSyncJob(
    FollowUpStore store,
    IncidentStore incidents,
    IEnumerable<ITracker> trackers,
    TimeProvider time,
    ILogger<StatusSyncJob> logger) : IFollowUpJob
{
    public const string JobName = "status-sync";

    public string Name => JobName;

    public async Task<JobResult> RunAsync(JobRunOptions options, CancellationToken cancellationToken)
    {
        var result = new JobResultBuilder(JobName, time.GetUtcNow());
        var byName = trackers.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (trackerName, target) in await store.SyncTargetsAsync(cancellationToken))
        {
            result.Add("targets");
            if (!byName.TryGetValue(trackerName, out var tracker))
            {
                result.Problem($"{trackerName} {target}: no such tracker is configured");
                continue;
            }

            await SyncTargetAsync(tracker, target, result, cancellationToken);
        }

        return result.Build(time.GetUtcNow(), $"{result["targets"]} targets, {result["changes"]} changed issues, {result["updated"]} items updated, {result["requests"]} requests");
    }

    private async Task SyncTargetAsync(ITracker tracker, string target, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var since = await store.SyncedFromAsync(tracker.Name, target, cancellationToken) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        TrackerChanges changes;
        try
        {
            changes = await tracker.GetChangedSinceAsync(TrackerTargets.Of(tracker.Name, target), since, cancellationToken);
        }
        catch (Exception ex) when (ex is TrackerUnavailableException or TrackerRejectedException)
        {
            result.Problem($"{tracker.Name} {target}: {ex.Message}");
            LogTargetFailed(tracker.Name, target, ex.Message);
            return;
        }

        result.Add("requests", changes.Requests);
        foreach (var change in changes.Issues)
        {
            result.Add("changes");
            await ApplyAsync(tracker.Name, target, change, result, cancellationToken);
        }

        if (changes.Issues.Count > 0)
        {
            await store.SetSyncedFromAsync(tracker.Name, target, changes.Issues.Max(c => c.UpdatedAt).ToUnixTimeMilliseconds(), cancellationToken);
        }
    }

    private async Task ApplyAsync(string tracker, string target, TrackerIssueChange change, JobResultBuilder result, CancellationToken cancellationToken)
    {
        if (await store.ItemForAsync(tracker, target, change.Marker, change.Key, cancellationToken) is not { } item)
        {
            return;
        }

        var moved = item.TrackerKey is not null && item.TrackerKey != change.Key;
        if (!moved && item.Status == change.Status && item.TrackerUrl == change.Url)
        {
            return;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.ApplyTrackerStateAsync(item.Id, change.Key, change.Url, change.Status, nowMs, cancellationToken);
        result.Add("updated");
        if (moved)
        {
            result.Add("moved");
            result.Problem($"{tracker} issue {item.TrackerKey} of action item {item.Id} moved to {change.Key}");
            await incidents.AppendTimelineAsync(item.IncidentId, nowMs, TimelineKinds.ActionItemMoved,
                $"Action item {item.ItemKey}: {tracker} issue {item.TrackerKey} moved to {change.Key}", null, $"moved:{item.Id}:{change.Key}", cancellationToken);
        }

        if (item.Status != change.Status)
        {
            await incidents.AppendTimelineAsync(item.IncidentId, change.UpdatedAt.ToUnixTimeMilliseconds(), TimelineKinds.ActionItemStatus,
                $"Action item {item.ItemKey} is {change.Status} in {tracker} ({change.Key}): {item.Description}", null,
                $"status:{item.Id}:{change.Status}:{change.UpdatedAt.ToUnixTimeMilliseconds()}", cancellationToken);
            LogStatusChanged(item.Id, item.Status, change.Status, change.Key);
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Action item {ActionItemId} is now {Status} (was {Previous}) per {IssueKey}")]
    private partial void LogStatusChanged(string actionItemId, string previous, string status, string issueKey);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Status sync of {Tracker} {Target} failed, retried next run: {Reason}")]
    private partial void LogTargetFailed(string tracker, string target, string reason);
}
