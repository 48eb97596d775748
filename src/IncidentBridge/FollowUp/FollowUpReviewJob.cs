using System.Globalization;
using System.Text.Json;
using IncidentBridge.ActionItems;
using IncidentBridge.Incidents;
using IncidentBridge.Postmortems;
using IncidentBridge.FollowUp.Scheduling;
using IncidentBridge.Trackers;
using Microsoft.Extensions.Options;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The seeds' "Week 4: review action item progress" (CONTRACT §6 follow-up-review). Each postmortem published
/// <c>ReviewAfterDays</c> ago or more and not yet reviewed has its items reviewed: those past their due date and
/// not done are flagged overdue — a comment and the <c>overdue</c> label on the issue, and a timeline entry — once
/// each. The outcome is stored on the postmortem. A tracker outage leaves the postmortem unreviewed, so the
/// next run finishes it; items already flagged are not flagged again.
/// </summary>
internal sealed partial class FollowUpReviewJob(
    FollowUpStore store,
    ActionItemStore items,
    IncidentStore incidents,
    IEnumerable<ITracker> trackers,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<FollowUpReviewJob> logger) : IFollowUpJob
{
    public const string JobName = "follow-up-review";

    public string Name => JobName;

    public async Task<JobResult> RunAsync(JobRunOptions runOptions, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = new JobResultBuilder(JobName, now);
        var cutoff = now - TimeSpan.FromDays(options.Value.FollowUpReview.ReviewAfterDays);
        var byName = trackers.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var postmortem in await store.DueForReviewAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken))
        {
            await ReviewAsync(postmortem, byName, result, cancellationToken);
        }

        return result.Build(time.GetUtcNow(), $"{result["reviewed"]} postmortems reviewed, {result["flagged"]} items flagged overdue");
    }

    private async Task ReviewAsync(PostmortemRow postmortem, Dictionary<string, ITracker> byName, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var all = (await items.ForPostmortemAsync(postmortem.Id, cancellationToken)).Where(i => i.RemovedAt is null).ToList();
        var unflagged = (await store.UnflaggedItemsAsync(postmortem.Id, cancellationToken)).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var overdue = all.Where(i => i.IsOverdue(today)).ToList();
        var finished = true;
        foreach (var item in overdue.Where(i => unflagged.Contains(i.Id)))
        {
            finished &= await FlagAsync(item, postmortem, today, byName, result, cancellationToken);
        }

        if (!finished)
        {
            return;
        }

        var review = new PostmortemReview(time.GetUtcNow(), all.Count(i => i.Status == ActionItemStatus.Done), all.Count(i => i.Status != ActionItemStatus.Done), overdue.Count);
        await store.SetReviewedAsync(postmortem.Id, time.GetUtcNow().ToUnixTimeMilliseconds(), JsonSerializer.Serialize(review, PostmortemJsonContext.Default.PostmortemReview), cancellationToken);
        await incidents.AppendTimelineAsync(postmortem.IncidentId, time.GetUtcNow().ToUnixTimeMilliseconds(), TimelineKinds.Overdue,
            $"Week-{options.Value.FollowUpReview.ReviewAfterDays / 7} review of {postmortem.Id}: {review.Done} done, {review.Open} open, {review.Overdue} overdue", null, $"review:{postmortem.Id}", cancellationToken);
        result.Add("reviewed");
        LogReviewed(postmortem.Id, review.Done, review.Open, review.Overdue);
    }

    /// <summary>Flags one item; false when the tracker was unavailable (the review is then finished next run).</summary>
    private async Task<bool> FlagAsync(ActionItemRow item, PostmortemRow postmortem, DateOnly today, Dictionary<string, ITracker> byName, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var due = item.Due ?? today;
        var days = today.DayNumber - due.DayNumber;
        var comment = $"IncidentBridge week-4 review: this action item from postmortem {postmortem.Id} (incident {item.IncidentId}) was due {due:yyyy-MM-dd} and is {days} day{(days == 1 ? "" : "s")} overdue. Owner: {item.Owner}.";
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        string? error = null;
        if (item.TrackerKey is null || item.Tracker is null || item.TrackerTarget is null)
        {
            error = "no tracker issue to flag";
        }
        else if (!byName.TryGetValue(item.Tracker, out var tracker))
        {
            error = $"{item.Tracker} is not configured";
        }
        else
        {
            try
            {
                await tracker.FlagOverdueAsync(TrackerTargets.Of(item.Tracker, item.TrackerTarget), item.TrackerKey, new TrackerComment(item.Marker, "overdue", comment), cancellationToken);
            }
            catch (TrackerUnavailableException ex)
            {
                result.Problem($"{item.Tracker} issue {item.TrackerKey} of {item.Id}: {ex.Message}; flagged next run");
                return false;
            }
            catch (TrackerRejectedException ex)
            {
                // Deleted or moved out of reach: reported, and not tried again.
                error = ex.Message;
            }
        }

        if (error is not null)
        {
            result.Problem($"Action item {item.Id} is overdue but its issue could not be flagged: {error}");
        }

        await store.MarkFlaggedAsync(item.Id, nowMs, error, cancellationToken);
        await incidents.AppendTimelineAsync(item.IncidentId, nowMs, TimelineKinds.Overdue,
            $"Action item {item.ItemKey} is {days} days overdue (due {due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, owner {item.Owner}){(item.TrackerKey is null ? "" : $": flagged on {item.TrackerKey}")}",
            null, $"overdue:{item.Id}", cancellationToken);
        result.Add("flagged");
        return true;
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Reviewed postmortem {PostmortemId}: {Done} done, {Open} open, {Overdue} overdue")]
    private partial void LogReviewed(string postmortemId, int done, int open, int overdue);
}
