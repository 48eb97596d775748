using System.Globalization;
using IncidentBridge.ActionItems;
using IncidentBridge.FollowUp.Email;
using IncidentBridge.FollowUp.Scheduling;
using IncidentBridge.Incidents;
using Microsoft.Extensions.Options;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The weekly overdue digest (CONTRACT §6): one e-mail per owner who has overdue action items, over one SMTP
/// connection, with the repeat incidents whose follow-ups are late. Each owner gets one digest per ISO week (in the
/// digest's time zone): a re-run that week sends only what failed, unless forced. A failed send is reported and
/// tried again by the next run; an owner without an e-mail address is reported, never silently skipped.
/// </summary>
internal sealed partial class OverdueDigestJob(
    FollowUpStore store,
    IncidentStore incidents,
    OwnerDirectory owners,
    DigestMailer mailer,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<OverdueDigestJob> logger) : IFollowUpJob
{
    public const string JobName = "overdue-digest";

    public string Name => JobName;

    public async Task<JobResult> RunAsync(JobRunOptions runOptions, CancellationToken cancellationToken)
    {
        var result = new JobResultBuilder(JobName, time.GetUtcNow());
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.OverdueDigest.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var period = $"{ISOWeek.GetYear(today.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)):00}";
        var overdue = await store.OverdueAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken);
        var digests = new List<OwnerDigest>();
        foreach (var owned in overdue.GroupBy(o => o.Item.Owner, StringComparer.Ordinal))
        {
            result.Add("owners");
            var owner = owned.Key;
            if (owners.EmailOf(owner) is not { } email)
            {
                result.Problem($"Owner '{owner}' has {owned.Count()} overdue items but no e-mail address: add {OwnersOptions.Section}:{owner}:Email");
                await store.RecordDigestAsync(owner, period, null, owned.Count(), null, "no e-mail address", cancellationToken);
                result.Add("failed");
                continue;
            }

            if (!runOptions.Force && await store.DigestSentAsync(owner, period, cancellationToken))
            {
                result.Add("skipped");
                continue;
            }

            digests.Add(new OwnerDigest(owner, email, owned.Select(o => ItemOf(o.Item, o.IncidentTitle, today)).ToList(), await RepeatsAsync(owned.Select(o => o.Item.IncidentId).ToHashSet(), today, cancellationToken)));
        }

        var report = await mailer.SendAsync(digests, cancellationToken);
        foreach (var (digest, delivery) in digests.Zip(report.Deliveries))
        {
            await store.RecordDigestAsync(digest.Owner, period, digest.Email, digest.Items.Count, delivery.Sent ? time.GetUtcNow().ToUnixTimeMilliseconds() : null, delivery.Error, cancellationToken);
            if (delivery.Sent)
            {
                result.Add("sent");
                result.Add("items", digest.Items.Count);
            }
            else
            {
                result.Add("failed");
                result.Problem($"Digest for '{digest.Owner}' <{digest.Email}> not sent: {delivery.Error}; retried next run");
            }
        }

        LogRun(period, result["sent"], result["failed"], result["skipped"]);
        return result.Build(time.GetUtcNow(), $"{period}: {result["sent"]} digests sent, {result["failed"]} failed, {result["skipped"]} already sent this week");
    }

    private static DigestItem ItemOf(ActionItemRow item, string incidentTitle, DateOnly today)
    {
        var due = item.Due ?? today;
        return new DigestItem(item.Id, item.Description, item.IncidentId, incidentTitle, item.Priority, due, today.DayNumber - due.DayNumber, item.TrackerKey, item.TrackerUrl);
    }

    /// <summary>Newer incidents that repeat the incidents of these overdue items: the follow-ups came too late for them.</summary>
    private async Task<IReadOnlyList<RepeatIncident>> RepeatsAsync(IReadOnlyCollection<string> incidentIds, DateOnly today, CancellationToken cancellationToken)
    {
        var repeats = new List<RepeatIncident>();
        foreach (var (id, title, relatedId) in await store.RepeatsOfAsync(incidentIds, cancellationToken))
        {
            var followUps = await incidents.FollowUpsOfAsync(relatedId, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken);
            repeats.Add(new RepeatIncident(id, title, relatedId, (int)(followUps?.OpenItems ?? 0), (int)(followUps?.OverdueItems ?? 0)));
        }

        return repeats;
    }

    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "Overdue digest {Period}: {Sent} sent, {Failed} failed, {Skipped} already sent")]
    private partial void LogRun(string period, long sent, long failed, long skipped);
}
