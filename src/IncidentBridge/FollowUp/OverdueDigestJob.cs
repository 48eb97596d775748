using IncidentBridge.Correlation;
using IncidentBridge.FollowUp.Email;
using IncidentBridge.FollowUp.Scheduling;
using Quartz;

namespace IncidentBridge.FollowUp;

/// <summary>
/// The weekly digest (docs/ARCHITECTURE.md, "Nothing falls through"): one e-mail per <em>person</em> over one SMTP
/// connection, with the sections that concern them: their items <b>overdue</b> and <b>due soon</b> (within their
/// priority's <c>RemindBeforeDays</c>), the overdue items <b>escalated to them</b> as the lead of their owners, and, for
/// <c>FollowUp:PostmortemDue:Recipients</c>, the <b>postmortems overdue</b>; plus the repeat incidents whose follow-ups
/// are late. The spellings of one person ("Dave", "dave", "@dave", their address) are one digest
/// (<see cref="OwnerDirectory.PersonOf"/>). Each person gets one digest per ISO week (in the digest's time zone), unless a
/// run is forced; a person with nothing in any section gets nothing; a person without an e-mail address is reported,
/// never silently skipped. Every run, catch-ups included, also writes on each incident whose postmortem has become
/// overdue a timeline entry, once.
/// </summary>
/// <remarks>
/// <para><b>Each send is recorded as it happens.</b> For each person, in turn: claim the person's digest for the week
/// (committed), send it, and commit <c>sent_at</c> as soon as the SMTP server has accepted it, before the next message is
/// made. A run cut short at any point (the worker stopping, a crash, a database error, SMTP failing) leaves behind exactly
/// what was sent, so the next run (the hourly catch-up, <c>Jobs:OverdueDigest:CatchUpCron</c>) mails only the rest. The
/// records are keyed by the person, so two spellings of one person can never get a digest each.</para>
/// <para><b>The claim</b> is one atomic statement (<see cref="FollowUpStore.ClaimDigestAsync"/>): it succeeds only while
/// the week's digest is unsent and no other run holds an unexpired claim, so two overlapping runs, a run and a catch-up,
/// or two replicas never mail one person twice. It lasts the message's deadline (<see cref="DigestMailRun.MessageDeadline"/>,
/// after which the message is abandoned) plus a margin, so it cannot run out while its message is under way; a claim left
/// by a crash holds its person back until it runs out, then a catch-up sends.</para>
/// <para><b>Failure model.</b> The SMTP server may be slow (bounded by the deadline), down, refuse a recipient, or drop
/// the connection: the people not reached are tried again by the catch-up, within the same week. The worker may stop
/// (SIGTERM): the message in flight is finished and recorded, and the run stops before the next. The one window left is
/// a crash, or a failed commit, between the server's 250 and our commit of <c>sent_at</c> (or a message cut off at its
/// deadline after the server took it): that person is mailed again by a later run. At least once there, at most once per
/// such crash; never lost.</para>
/// <para><b>The catch-up</b> completes a week whose run has started: once the week's run has made its plan (the people
/// it means to mail, <see cref="FollowUpStore.PlanDigestWeekAsync"/>), a catch-up sends to those of them not yet sent who
/// still have something in their digest, and to nobody else (a person with something new since is in next week's
/// digest). Without a plan, it runs the week's run itself once the main cron's first fire of the week has passed (the run
/// failed before its plan, or never ran); before that, it does nothing.</para>
/// </remarks>
internal sealed partial class OverdueDigestJob(
    FollowUpStore store,
    ActionItemStore items,
    IncidentStore incidents,
    OwnerDirectory owners,
    DigestMailer mailer,
    IOptions<JobsOptions> options,
    IOptions<FollowUpOptions> followUp,
    IOptions<OwnersOptions> ownerEntries,
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
        var postmortems = await store.PostmortemsOverdueAsync(followUp.Value.PostmortemDue, now, cancellationToken);
        await NotePostmortemsOverdueAsync(postmortems, now, result, cancellationToken);
        var stored = await store.DigestWeekAsync(week.Period, cancellationToken);
        var completing = runOptions.CatchUp && stored.Planned && !runOptions.Force;
        if (runOptions.CatchUp && !stored.Planned && !runOptions.Force && !MainRunDue(digestOptions.Cron, zone, week, now))
        {
            LogNotStarted(week.Period);
            return result.Build(time.GetUtcNow(), $"{week.Period}: catch-up: the week's digest run has not started, nothing to complete");
        }

        var digests = new List<(string Person, OwnerDigest Digest)>();
        var unaddressed = new List<(string Person, string Name, int Entries, string Summary)>();
        foreach (var content in await ContentsAsync(week.Today, postmortems, cancellationToken))
        {
            var person = content.Person;
            if (completing && !stored.Unsent.Contains(person) && !stored.Sent.Contains(person))
            {
                // Something new since the week's run made its plan: next week's digest has it.
                result.Add("notPlanned");
                continue;
            }

            result.Add("owners");
            if (!runOptions.Force && stored.Sent.Contains(person))
            {
                result.Add("skipped");
                continue;
            }

            var name = NameOf(content);
            var email = AddressOf(content);
            var digest = await DigestOfAsync(content, name, email ?? "", week.Today, cancellationToken);
            if (email is null)
            {
                unaddressed.Add((person, name, digest.Count, DigestWords.Summary(digest)));
                continue;
            }

            digests.Add((person, digest));
        }

        if (!completing)
        {
            await store.PlanDigestWeekAsync(
                week.Period,
                [.. digests.Select(d => (d.Person, (string?)d.Digest.Email, d.Digest.Count)), .. unaddressed.Select(u => (u.Person, (string?)null, u.Entries))],
                now.ToUnixTimeMilliseconds(),
                cancellationToken);
        }

        foreach (var (person, name, entries, summary) in unaddressed)
        {
            if (completing)
            {
                // Reported by the week's run already; configuration is read at start, so the hourly catch-up would only repeat it.
                result.Add("unaddressed");
                continue;
            }

            result.Add("failed");
            result.Problem($"Owner '{name}' has {summary} but no e-mail address: add {OwnersOptions.Section}:{name}:Email");
            await store.RecordDigestFailureAsync(person, week.Period, null, entries, "no e-mail address", cancellationToken);
        }

        await using (var mail = mailer.Start())
        {
            foreach (var (person, digest) in digests)
            {
                // Between messages, and only here, a stopping worker stops the run: every message sent so far is recorded.
                cancellationToken.ThrowIfCancellationRequested();
                await SendAsync(mail, person, digest, week.Period, runOptions.Force, result, cancellationToken);
            }
        }

        var kind = runOptions.CatchUp ? "catch-up: " : "";
        LogRun(week.Period, runOptions.CatchUp, result["sent"], result["failed"], result["skipped"]);
        return result.Build(time.GetUtcNow(), $"{week.Period}: {kind}{result["sent"]} digests sent, {result["failed"]} failed, {result["skipped"]} already sent this week");
    }

    /// <summary>
    /// What each person's digest holds this week, people in a stable order. An item is its owner's (overdue or due soon)
    /// and, once escalated, also their lead's; the overdue postmortems go to each recipient.
    /// </summary>
    private async Task<IReadOnlyList<PersonContent>> ContentsAsync(DateOnly today, IReadOnlyList<OverduePostmortemRow> postmortems, CancellationToken cancellationToken)
    {
        var people = new Dictionary<string, PersonContent>(StringComparer.Ordinal);
        PersonContent Of(string spelling)
        {
            var person = owners.PersonOf(spelling);
            if (!people.TryGetValue(person, out var content))
            {
                people[person] = content = new PersonContent { Person = person };
            }

            content.Spellings.Add(spelling.Trim());
            return content;
        }

        foreach (var (item, title, _) in await items.OverdueAsync(Day(today), cancellationToken))
        {
            var owner = Of(item.Owner);
            owner.Overdue.Add((item, title));
            // The lead as configured now: an item whose owner's lead changed goes to the new lead.
            if (item.EscalatedAt is not null && owners.LeadOf(item.Owner) is { } lead && lead != owner.Person)
            {
                Of(lead).Escalated.Add((item, title));
            }
        }

        var policies = followUp.Value.Policies;
        var widest = policies.All().Max(p => p.Policy.RemindBeforeDays);
        foreach (var (item, title) in await items.OpenDueBetweenAsync(Day(today), Day(today.AddDays(widest)), cancellationToken))
        {
            if (item.Due is { } due && due.DayNumber - today.DayNumber <= policies.For(item.Priority).RemindBeforeDays)
            {
                Of(item.Owner).DueSoon.Add((item, title));
            }
        }

        if (postmortems.Count > 0)
        {
            foreach (var recipient in followUp.Value.PostmortemDue.Recipients.Where(r => !string.IsNullOrWhiteSpace(r)))
            {
                var content = Of(recipient);
                if (content.Postmortems.Count == 0)
                {
                    content.Postmortems.AddRange(postmortems);
                }
            }
        }

        return [.. people.Values.OrderBy(p => p.Person, StringComparer.Ordinal)];
    }

    private async Task<OwnerDigest> DigestOfAsync(PersonContent content, string name, string email, DateOnly today, CancellationToken cancellationToken) =>
        new(name, email, [.. content.Overdue.Select(o => ItemOf(o.Item, o.IncidentTitle, today))],
            await RepeatsAsync(content.Overdue.Select(o => o.Item.IncidentId).ToHashSet(StringComparer.Ordinal), today, cancellationToken))
        {
            DueSoon = [.. content.DueSoon.Select(o => ItemOf(o.Item, o.IncidentTitle, today))],
            // The lead reads whose item it is by the person's name, whichever way the postmortem spelled them.
            Escalated = [.. content.Escalated.Select(o => ItemOf(o.Item, o.IncidentTitle, today) with { Owner = owners.PersonOf(o.Item.Owner) })],
            PostmortemsOverdue = [.. content.Postmortems.Select(row => OverduePostmortem.From(row, followUp.Value.PostmortemDue.After))],
        };

    /// <summary>How the digest greets the person: their <c>Owners</c> name, else the plainest way their items spell them.</summary>
    private string NameOf(PersonContent content) =>
        ownerEntries.Value.ContainsKey(content.Person)
            ? content.Person
            : content.Spellings.OrderBy(s => s.StartsWith('@')).ThenBy(s => s, StringComparer.Ordinal).FirstOrDefault() ?? content.Person;

    /// <summary>The person's <c>Owners</c> entry e-mail, else a spelling of theirs that is an e-mail address.</summary>
    private string? AddressOf(PersonContent content) =>
        owners.EmailOf(content.Person)
        ?? content.Spellings.Order(StringComparer.Ordinal).Select(owners.EmailOf).FirstOrDefault(e => e is not null);

    /// <summary>
    /// One timeline entry per incident whose postmortem has become overdue, written by whichever run sees it first (the
    /// hourly catch-up included, so within the hour); the dedupe key makes every later run add nothing.
    /// </summary>
    private async Task NotePostmortemsOverdueAsync(IReadOnlyList<OverduePostmortemRow> postmortems, DateTimeOffset now, JobResultBuilder result, CancellationToken cancellationToken)
    {
        var due = followUp.Value.PostmortemDue;
        foreach (var row in postmortems)
        {
            var postmortem = OverduePostmortem.From(row, due.After);
            var message = $"Postmortem overdue: {postmortem.Severity} incident resolved {DigestWords.Time(postmortem.ResolvedAt)} and no postmortem published {due.Hours} hours later" +
                (row.PostmortemId is null ? "" : $" ({row.PostmortemId} is {row.PostmortemStatus})");
            if (await incidents.AppendTimelineAsync(row.IncidentId, now.ToUnixTimeMilliseconds(), TimelineKinds.Overdue, message, null, $"postmortem-overdue:{row.IncidentId}", cancellationToken))
            {
                result.Add("postmortemsNoted");
                LogPostmortemOverdue(row.IncidentId, postmortem.Severity, due.Hours);
            }
        }

        if (postmortems.Count > 0)
        {
            result.Add("postmortemsOverdue", postmortems.Count);
        }
    }

    /// <summary>Claim, send, record: one person's digest, committed as sent before the caller makes the next message.</summary>
    private async Task SendAsync(DigestMailRun mail, string person, OwnerDigest digest, string period, bool force, JobResultBuilder result, CancellationToken cancellationToken)
    {
        // Connected before the claim, so that a server that is down holds no person's claim.
        if (!await mail.ConnectAsync(cancellationToken))
        {
            await store.RecordDigestFailureAsync(person, period, digest.Email, digest.Count, mail.Failure!, cancellationToken);
            Failed(result, digest, mail.Failure!);
            return;
        }

        var claimedAt = time.GetUtcNow();
        var token = await store.ClaimDigestAsync(
            person, period, digest.Email, digest.Count, force,
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
            // Stopped while connecting, before a message was made: hand the person back rather than leave the claim to run out.
            await ReleaseAsync(person, period, token, $"the run stopped before it was sent ({stopped.GetType().Name})");
            throw;
        }

        if (!delivery.Sent)
        {
            await ReleaseAsync(person, period, token, delivery.Error ?? "not sent");
            Failed(result, digest, delivery.Error ?? "not sent");
            return;
        }

        try
        {
            // Not cancellable: the message is out, and only this commit stops a later run from mailing them again.
            await store.RecordDigestSentAsync(person, period, token, time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
        }
        catch (Exception error)
        {
            LogSentNotRecorded(error, person, period);
            throw;
        }

        result.Add("sent");
        result.Add("items", digest.Count);
    }

    private async Task ReleaseAsync(string person, string period, string token, string error)
    {
        try
        {
            await store.ReleaseDigestAsync(person, period, token, error, CancellationToken.None);
        }
        catch (Exception failure)
        {
            // The claim runs out by itself; until then no run mails this person, after it the catch-up does.
            LogReleaseFailed(failure, person, period);
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
        return new DigestItem(item.Id, item.Description, item.IncidentId, incidentTitle, item.Priority, item.Due ?? today, item.DaysOverdue(today), item.TrackerKey, item.TrackerUrl);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

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

    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "Weekly digest {Period} (catch-up {CatchUp}): {Sent} sent, {Failed} failed, {Skipped} already sent")]
    private partial void LogRun(string period, bool catchUp, long sent, long failed, long skipped);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Debug, Message = "Overdue digest {Period}: the week's run has not started; the catch-up has nothing to complete")]
    private partial void LogNotStarted(string period);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Critical, Message = "The overdue digest for {Owner} ({Period}) was accepted by the SMTP server but could not be recorded: a later run will send it again")]
    private partial void LogSentNotRecorded(Exception error, string owner, string period);

    [LoggerMessage(EventId = 8204, Level = LogLevel.Warning, Message = "Could not hand back the claim on the overdue digest for {Owner} ({Period}); it is sent once the claim runs out")]
    private partial void LogReleaseFailed(Exception error, string owner, string period);

    [LoggerMessage(EventId = 8205, Level = LogLevel.Information, Message = "The postmortem of {IncidentId} ({Severity}) is overdue: not published {Hours} hours after the incident resolved")]
    private partial void LogPostmortemOverdue(string incidentId, string severity, int hours);

    /// <summary>What one person's digest holds, gathered before it is made; <see cref="Spellings"/> are the ways the data names them.</summary>
    private sealed class PersonContent
    {
        public required string Person { get; init; }

        public SortedSet<string> Spellings { get; } = new(StringComparer.Ordinal);

        public List<(ActionItemRow Item, string IncidentTitle)> Overdue { get; } = [];

        public List<(ActionItemRow Item, string IncidentTitle)> DueSoon { get; } = [];

        public List<(ActionItemRow Item, string IncidentTitle)> Escalated { get; } = [];

        public List<OverduePostmortemRow> Postmortems { get; } = [];
    }

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
