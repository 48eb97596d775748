using System.Globalization;
using IncidentBridge.ActionItems;
using IncidentBridge.FollowUp.Email;
using IncidentBridge.FollowUp.Scheduling;
using IncidentBridge.Incidents;
using Microsoft.Extensions.Options;
using Quartz;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The weekly overdue digest: one e-mail per owner who has overdue action items, over one SMTP
/// connection, with the repeat incidents whose follow-ups are late. Each owner gets one digest per ISO week (in the
/// digest's time zone), unless a run is forced; an owner without an e-mail address is reported, never silently skipped.
/// </summary>
/// <remarks>
/// <para><b>Each send is recorded as it happens.</b> For each owner, in turn: claim the owner's digest for the week
/// (committed), send it, and commit <c>sent_at</c> as soon as the SMTP server has accepted it, before the next message is
/// made. A run cut short at any point (the worker stopping, a crash, a database error, SMTP failing) leaves behind exactly
/// what was sent, so the next run (the hourly catch-up, <c>Jobs:OverdueDigest:CatchUpCron</c>) mails only the rest.</para>
/// <para><b>The claim</b> is one atomic statement (<see cref="FollowUpStore.ClaimDigestAsync"/>): it succeeds only while
/// the week's digest is unsent and no other run holds an unexpired claim, so two overlapping runs, a run and a catch-up,
/// or two replicas never mail one owner twice. It lasts the message's deadline (<see cref="DigestMailRun.MessageDeadline"/>,
/// after which the message is abandoned) plus a margin, so it cannot run out while its message is under way; a claim left
/// by a crash holds its owner back until it runs out, then a catch-up sends.</para>
/// <para><b>Failure model.</b> The SMTP server may be slow (bounded by the deadline), down, refuse a recipient, or drop
/// the connection: the owners not reached are tried again by the catch-up, within the same week. The worker may stop
/// (SIGTERM): the message in flight is finished and recorded, and the run stops before the next. The one window left is
/// a crash, or a failed commit, between the server's 250 and our commit of <c>sent_at</c> (or a message cut off at its
/// deadline after the server took it): that owner is mailed again by a later run. At least once there, at most once per
/// such crash; never lost.</para>
/// <para><b>The catch-up</b> completes a week whose run has started: once the week's run has made its plan (the owners
/// it means to mail, <see cref="FollowUpStore.PlanDigestWeekAsync"/>), a catch-up sends to those of them not yet sent who
/// still have something overdue, and to nobody else (an item overdue since is in next week's digest). Without a plan, it
/// runs the week's run itself once the main cron's first fire of the week has passed (the run failed before its plan, or
/// never ran); before that, it does nothing.</para>
/// </remarks>
internal sealed partial class OverdueDigestJob(
    FollowUpStore store,
    ActionItemStore items,
    IncidentStore incidents,
    OwnerDirectory owners,
    DigestMailer mailer,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<OverdueDigestJob> logger) : IFollowUpJob
{
    public const string JobName = "overdue-digest";

    /// <summary>How much longer than its message's deadline a claim lasts: the commits either side of the message, and clocks of replicas that disagree by less.</summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromMinutes(1);

    public string Name => JobName;

    public async Task<JobResult> RunAsync(JobRunOptions runOptions, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = new JobResultBuilder(JobName, now);
        var digestOptions = options.Value.OverdueDigest;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(digestOptions.TimeZone);
        var week = DigestWeek.Of(now, zone);
        var stored = await store.DigestWeekAsync(week.Period, cancellationToken);
        var completing = runOptions.CatchUp && stored.Planned && !runOptions.Force;
        if (runOptions.CatchUp && !stored.Planned && !runOptions.Force && !MainRunDue(digestOptions.Cron, zone, week, now))
        {
            LogNotStarted(week.Period);
            return result.Build(time.GetUtcNow(), $"{week.Period}: catch-up: the week's digest run has not started, nothing to complete");
        }

        var today = week.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var overdue = await items.OverdueAsync(today, cancellationToken);
        var digests = new List<OwnerDigest>();
        var unaddressed = new List<(string Owner, int Items)>();
        foreach (var owned in overdue.GroupBy(o => o.Item.Owner, StringComparer.Ordinal))
        {
            var owner = owned.Key;
            if (completing && !stored.Unsent.Contains(owner) && !stored.Sent.Contains(owner))
            {
                // Overdue since the week's run made its plan: next week's digest has it.
                result.Add("notPlanned");
                continue;
            }

            result.Add("owners");
            if (!runOptions.Force && stored.Sent.Contains(owner))
            {
                result.Add("skipped");
                continue;
            }

            if (owners.EmailOf(owner) is not { } email)
            {
                unaddressed.Add((owner, owned.Count()));
                continue;
            }

            digests.Add(new OwnerDigest(owner, email, [.. owned.Select(o => ItemOf(o.Item, o.IncidentTitle, week.Today))], await RepeatsAsync(owned.Select(o => o.Item.IncidentId).ToHashSet(), week.Today, cancellationToken)));
        }

        if (!completing)
        {
            await store.PlanDigestWeekAsync(
                week.Period,
                [.. digests.Select(d => (d.Owner, (string?)d.Email, d.Items.Count)), .. unaddressed.Select(u => (u.Owner, (string?)null, u.Items))],
                now.ToUnixTimeMilliseconds(),
                cancellationToken);
        }

        foreach (var (owner, items) in unaddressed)
        {
            if (completing)
            {
                // Reported by the week's run already; configuration is read at start, so the hourly catch-up would only repeat it.
                result.Add("unaddressed");
                continue;
            }

            result.Add("failed");
            result.Problem($"Owner '{owner}' has {items} overdue items but no e-mail address: add {OwnersOptions.Section}:{owner}:Email");
            await store.RecordDigestFailureAsync(owner, week.Period, null, items, "no e-mail address", cancellationToken);
        }

        await using (var mail = mailer.Start())
        {
            foreach (var digest in digests)
            {
                // Between messages, and only here, a stopping worker stops the run: every message sent so far is recorded.
                cancellationToken.ThrowIfCancellationRequested();
                await SendAsync(mail, digest, week.Period, runOptions.Force, result, cancellationToken);
            }
        }

        var kind = runOptions.CatchUp ? "catch-up: " : "";
        LogRun(week.Period, runOptions.CatchUp, result["sent"], result["failed"], result["skipped"]);
        return result.Build(time.GetUtcNow(), $"{week.Period}: {kind}{result["sent"]} digests sent, {result["failed"]} failed, {result["skipped"]} already sent this week");
    }

    /// <summary>Claim, send, record: one owner's digest, committed as sent before the caller makes the next message.</summary>
    private async Task SendAsync(DigestMailRun mail, OwnerDigest digest, string period, bool force, JobResultBuilder result, CancellationToken cancellationToken)
    {
        // Connected before the claim, so that a server that is down holds no owner's claim.
        if (!await mail.ConnectAsync(cancellationToken))
        {
            await store.RecordDigestFailureAsync(digest.Owner, period, digest.Email, digest.Items.Count, mail.Failure!, cancellationToken);
            Failed(result, digest, mail.Failure!);
            return;
        }

        var claimedAt = time.GetUtcNow();
        var token = await store.ClaimDigestAsync(
            digest.Owner, period, digest.Email, digest.Items.Count, force,
            claimedAt.ToUnixTimeMilliseconds(), (claimedAt + mail.MessageDeadline + ClaimMargin).ToUnixTimeMilliseconds(), cancellationToken);
        if (token is null)
        {
            // Sent meanwhile, or being sent right now, by another run (an overlapping one, another replica's).
            result.Add("skipped");
            return;
        }

        DigestDelivery delivery;
        try
        {
            delivery = await mail.SendAsync(digest, cancellationToken);
        }
        catch (Exception stopped)
        {
            // Stopped while connecting, before a message was made: hand the owner back rather than leave the claim to run out.
            await ReleaseAsync(digest, period, token, $"the run stopped before it was sent ({stopped.GetType().Name})");
            throw;
        }

        if (!delivery.Sent)
        {
            await ReleaseAsync(digest, period, token, delivery.Error ?? "not sent");
            Failed(result, digest, delivery.Error ?? "not sent");
            return;
        }

        try
        {
            // Not cancellable: the message is out, and only this commit stops a later run from mailing them again.
            await store.RecordDigestSentAsync(digest.Owner, period, token, time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
        }
        catch (Exception error)
        {
            LogSentNotRecorded(error, digest.Owner, period);
            throw;
        }

        result.Add("sent");
        result.Add("items", digest.Items.Count);
    }

    private async Task ReleaseAsync(OwnerDigest digest, string period, string token, string error)
    {
        try
        {
            await store.ReleaseDigestAsync(digest.Owner, period, token, error, CancellationToken.None);
        }
        catch (Exception failure)
        {
            // The claim runs out by itself; until then no run mails this owner, after it the catch-up does.
            LogReleaseFailed(failure, digest.Owner, period);
        }
    }

    private static void Failed(JobResultBuilder result, OwnerDigest digest, string error)
    {
        result.Add("failed");
        result.Problem($"Digest for '{digest.Owner}' <{digest.Email}> not sent: {error}; tried again by the catch-up (Jobs:OverdueDigest:CatchUpCron)");
    }

    /// <summary>
    /// Whether the main cron's first fire of this ISO week (in the digest's zone) has come: by the schedule, whether or
    /// not a run happened then, so a run that failed before its plan, or never ran, is still completed this week.
    /// </summary>
    private static bool MainRunDue(string cron, TimeZoneInfo zone, DigestWeek week, DateTimeOffset now)
    {
        if (!CronExpression.TryParse(cron, out _))
        {
            return false;
        }

        var expression = new CronExpression(cron, zone);
        return expression.GetNextValidTimeAfter(week.StartsAt.AddSeconds(-1)) is { } first && first <= now;
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

    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "Overdue digest {Period} (catch-up {CatchUp}): {Sent} sent, {Failed} failed, {Skipped} already sent")]
    private partial void LogRun(string period, bool catchUp, long sent, long failed, long skipped);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Debug, Message = "Overdue digest {Period}: the week's run has not started; the catch-up has nothing to complete")]
    private partial void LogNotStarted(string period);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Critical, Message = "The overdue digest for {Owner} ({Period}) was accepted by the SMTP server but could not be recorded: a later run will send it again")]
    private partial void LogSentNotRecorded(Exception error, string owner, string period);

    [LoggerMessage(EventId = 8204, Level = LogLevel.Warning, Message = "Could not hand back the claim on the overdue digest for {Owner} ({Period}); it is sent once the claim runs out")]
    private partial void LogReleaseFailed(Exception error, string owner, string period);

    /// <summary>An ISO week in the digest's time zone: its name (<c>2026-W49</c>), today there, and when its Monday began.</summary>
    private readonly record struct DigestWeek(string Period, DateOnly Today, DateTimeOffset StartsAt)
    {
        public static DigestWeek Of(DateTimeOffset now, TimeZoneInfo zone)
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var day = today.ToDateTime(TimeOnly.MinValue);
            var (year, number) = (ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day));
            var monday = ISOWeek.ToDateTime(year, number, DayOfWeek.Monday);
            return new DigestWeek($"{year}-W{number:00}", today, new DateTimeOffset(monday, zone.GetUtcOffset(monday)));
        }
    }
}
