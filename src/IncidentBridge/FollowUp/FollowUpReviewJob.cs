using IncidentBridge.Postmortems;
using IncidentBridge.FollowUp.Scheduling;

namespace IncidentBridge.FollowUp;

/// <summary>
/// Keeps overdue items in sight (docs/ARCHITECTURE.md, "Nothing falls through"). Every run:
/// <list type="number">
/// <item>flags each open item of a published postmortem that is past its due date, whenever it became overdue: the
/// <c>overdue</c> label and one comment on its issue, and a timeline entry, once per item;</item>
/// <item>escalates each item overdue by its priority's <c>EscalateAfterDays</c> or more to its owner's <c>Lead</c>: one
/// escalation comment naming the lead on its issue, and a timeline entry (the lead's digest lists it too);</item>
/// <item>records the "Week 4: review action item progress" milestone of each postmortem published
/// <c>ReviewAfterDays</c> ago or more, once its overdue items are flagged.</item>
/// </list>
/// Comments carry a hidden marker per item and purpose, so a retry after a lost answer never writes one twice. A tracker
/// outage leaves the item unflagged (or unescalated) for the next run.
/// </summary>
internal sealed partial class FollowUpReviewJob(
    FollowUpStore store,
    ActionItemStore items,
    IncidentStore incidents,
    IEnumerable<ITracker> trackers,
    OwnerDirectory owners,
    IOptions<JobsOptions> options,
    IOptions<FollowUpOptions> followUp,
    TimeProvider time,
    ILogger<FollowUpReviewJob> logger) : IFollowUpJob
{
    public const string JobName = "follow-up-review";

    public string Name => JobName;

    public async Task<JobResult> RunAsync(JobRunOptions runOptions, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = new JobResultBuilder(JobName, now);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var byName = trackers.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var item in await items.OpenPastDueAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken))
        {
            if (item.OverdueFlaggedAt is null)
            {
                await FlagAsync(item, today, byName, result, cancellationToken);
            }

            if (item.EscalatedAt is null && item.DaysOverdue(today) >= followUp.Value.Policies.For(item.Priority).EscalateAfterDays
                && owners.LeadOf(item.Owner) is { } lead)
            {
                await EscalateAsync(item, lead, today, byName, result, cancellationToken);
            }
        }

        var cutoff = now - TimeSpan.FromDays(options.Value.FollowUpReview.ReviewAfterDays);
        foreach (var postmortem in await store.DueForReviewAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken))
        {
            await ReviewAsync(postmortem, today, result, cancellationToken);
        }

        return result.Build(time.GetUtcNow(), $"{result["reviewed"]} postmortems reviewed, {result["flagged"]} items flagged overdue, {result["escalated"]} escalated");
    }

    /// <summary>The week-4 milestone, once none of the postmortem's overdue items waits to be flagged (a tracker outage).</summary>
    private async Task ReviewAsync(PostmortemRow postmortem, DateOnly today, JobResultBuilder result, CancellationToken cancellationToken)
    {
        if (await items.CountUnflaggedPastDueAsync(postmortem.Id, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken) > 0)
        {
            return;
        }

        var all = (await items.ForPostmortemAsync(postmortem.Id, cancellationToken)).Where(i => i.RemovedAt is null).ToList();
        var overdue = all.Count(i => i.IsOverdue(today));
        var review = new PostmortemReview(time.GetUtcNow(), all.Count(i => i.Status == ActionItemStatus.Done), all.Count(i => !i.IsClosed), overdue);
        await store.SetReviewedAsync(postmortem.Id, time.GetUtcNow().ToUnixTimeMilliseconds(), JsonSerializer.Serialize(review, PostmortemJsonContext.Default.PostmortemReview), cancellationToken);
        await incidents.AppendTimelineAsync(postmortem.IncidentId, time.GetUtcNow().ToUnixTimeMilliseconds(), TimelineKinds.Overdue,
            $"Week-{options.Value.FollowUpReview.ReviewAfterDays / 7} review of {postmortem.Id}: {review.Done} done, {review.Open} open, {review.Overdue} overdue", null, $"review:{postmortem.Id}", cancellationToken);
        result.Add("reviewed");
        LogReviewed(postmortem.Id, review.Done, review.Open, review.Overdue);
    }

    private Task FlagAsync(ActionItemRow item, DateOnly today, Dictionary<string, ITracker> byName, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var due = item.Due ?? today;
        var days = Days(item.DaysOverdue(today));
        return NoticeAsync(
            item,
            OverdueNotice.Flag,
            $"IncidentBridge: this action item (incident {item.IncidentId}, postmortem {item.PostmortemId}) was due {due:yyyy-MM-dd} and is {days} overdue. Owner: {item.Owner}.",
            $"Action item {item.ItemKey} is {days} overdue (due {due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, owner {item.Owner}){(item.TrackerKey is null ? "" : $": flagged on {item.TrackerKey}")}",
            byName,
            result,
            cancellationToken);
    }

    private async Task EscalateAsync(ActionItemRow item, string lead, DateOnly today, Dictionary<string, ITracker> byName, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var due = item.Due ?? today;
        var days = item.DaysOverdue(today);
        if (await NoticeAsync(
            item,
            OverdueNotice.Escalation,
            $"IncidentBridge: this action item is {Days(days)} overdue (due {due:yyyy-MM-dd}) and is escalated to {lead}, lead of {item.Owner}.",
            $"Action item {item.ItemKey} is {Days(days)} overdue and was escalated to {lead}, lead of {item.Owner}",
            byName,
            result,
            cancellationToken))
        {
            LogEscalated(item.Id, lead, days);
        }
    }

    /// <summary>
    /// Writes <paramref name="comment"/> once on the item's issue, then records the notice: on the item (with the problem, if
    /// any), on the incident's timeline as <paramref name="timeline"/>, and in the run's counts. False when it could not be
    /// written yet (see <see cref="CommentAsync"/>): tried next run.
    /// </summary>
    private async Task<bool> NoticeAsync(
        ActionItemRow item, OverdueNotice notice, string comment, string timeline, Dictionary<string, ITracker> byName, JobResultBuilder result, CancellationToken cancellationToken)
    {
        if (await CommentAsync(item, notice, comment, byName, result, cancellationToken) is not { } error)
        {
            return false;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await items.MarkNoticedAsync(item.Id, notice, nowMs, error.Length == 0 ? null : error, cancellationToken);
        var (dedupKey, counter) = notice == OverdueNotice.Flag ? ("overdue", "flagged") : ("escalated", "escalated");
        await incidents.AppendTimelineAsync(item.IncidentId, nowMs, TimelineKinds.Overdue, timeline, null, $"{dedupKey}:{item.Id}", cancellationToken);
        result.Add(counter);
        return true;
    }

    /// <summary>
    /// Writes the comment (with the <c>overdue</c> label for a <see cref="OverdueNotice.Flag"/>) once on the item's issue. Returns
    /// null when it could not be written yet (the item has no issue yet, or the tracker is unavailable: tried next run),
    /// else the problem to record ("" for none): an item whose issue is gone is recorded with the reason, not tried again.
    /// </summary>
    private async Task<string?> CommentAsync(ActionItemRow item, OverdueNotice notice, string text, Dictionary<string, ITracker> byName, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var purpose = notice == OverdueNotice.Flag ? "overdue" : "escalation";
        string error;
        if (item.TrackerKey is null || item.Tracker is null || item.TrackerTarget is null)
        {
            // No issue yet (the tracker is down, or the item is still being sent): flagged once it has one.
            return null;
        }

        if (item.SyncState == SyncState.Lost)
        {
            // Its issue was deleted in the tracker: nothing to write on; the owner's digest still lists the item.
            error = item.SyncError ?? $"{item.Tracker} issue {item.TrackerKey} was deleted";
        }
        else if (!byName.TryGetValue(item.Tracker, out var tracker))
        {
            error = $"{item.Tracker} is not configured";
        }
        else
        {
            var target = TrackerTargets.Of(item.Tracker, item.TrackerTarget);
            var comment = new TrackerComment(item.Marker, purpose, text);
            try
            {
                if (notice == OverdueNotice.Flag)
                {
                    await tracker.FlagOverdueAsync(target, item.TrackerKey, comment, cancellationToken);
                }
                else
                {
                    await tracker.CommentOnceAsync(target, item.TrackerKey, comment, cancellationToken);
                }

                return "";
            }
            catch (TrackerUnavailableException ex)
            {
                result.Problem($"{item.Tracker} issue {item.TrackerKey} of {item.Id}: {ex.Message}; tried again next run");
                return null;
            }
            catch (TrackerRejectedException ex)
            {
                // Deleted or moved out of reach: reported, and not tried again.
                error = ex.Message;
            }
        }

        result.Problem($"Action item {item.Id} ({purpose}): {error}");
        return error;
    }

    private static string Days(int days) => $"{days} day{(days == 1 ? "" : "s")}";

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Reviewed postmortem {PostmortemId}: {Done} done, {Open} open, {Overdue} overdue")]
    private partial void LogReviewed(string postmortemId, int done, int open, int overdue);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Action item {ActionItemId} is {Days} days overdue: escalated to {Lead}")]
    private partial void LogEscalated(string actionItemId, string lead, int days);
}
