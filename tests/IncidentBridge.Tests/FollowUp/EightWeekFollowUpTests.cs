using IncidentBridge.Tests.FollowUp.Email;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.FollowUp;

/// <summary>
/// A postmortem walked through eight weeks of simulated time, one day at a time, the way the worker runs it: every day
/// <c>status-sync</c> and <c>follow-up-review</c>, every Monday at 09:00 the <c>overdue-digest</c>. Against the fake Jira
/// (comments and labels as a user would see them) and a real SMTP server, asserting every e-mail and every comment, on
/// SQLite (<see cref="OnSqlite"/>) and PostgreSQL (<see cref="OnPostgres"/>).
/// </summary>
/// <remarks>
/// The cast: Dave (written "Dave", "@dave" and "dave") and Erin, both led by Carol; Carol is told of overdue postmortems.
/// The incident, a SEV2, resolved on Friday 2026-11-20 09:00; its postmortem is published on Monday 11-23, three days
/// later, with four items (default policies: remind 3 days before; escalate P0 after 3 days, P1 7, P2 14, P3 30):
/// <list type="table">
/// <item><term>A</term><description>Dave, P1, due Mon 11-30: due soon, overdue, flagged, escalated, done in Jira on 12-17.</description></item>
/// <item><term>B</term><description>@dave, P2, no due date: due 12-23 by policy (30 days); due soon, overdue, flagged, escalated 01-06, done 01-13.</description></item>
/// <item><term>C</term><description>Erin, P0, due Thu 11-26: flagged 11-27, escalated 11-29, done 12-02.</description></item>
/// <item><term>D</term><description>dave, P3, due Mon 12-07: due soon, flagged 12-08, Won't Do (not-doing) on 12-09: never escalated.</description></item>
/// </list>
/// </remarks>
public abstract class EightWeekFollowUpTests(PostgresServer? postgres) : FollowUpWorldTests(postgres, Settings)
{
    private const string A = "Add a connection pool alert";
    private const string B = "Fix the retry storm";
    private const string C = "Write the failover runbook";
    private const string D = "Rotate the database credentials";
    private static readonly string[] Items = [A, B, C, D];

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["IncidentBridge:Owners:Dave:Email"] = "dave@acme.example",
        ["IncidentBridge:Owners:Dave:Aliases:0"] = "@dave",
        ["IncidentBridge:Owners:Dave:Lead"] = "Carol",
        ["IncidentBridge:Owners:Erin:Email"] = "erin@acme.example",
        ["IncidentBridge:Owners:Erin:Lead"] = "Carol",
        ["IncidentBridge:Owners:Carol:Email"] = "carol@acme.example",
        ["IncidentBridge:FollowUp:PostmortemDue:Recipients:0"] = "Carol",
    };

    private protected override async Task StartedAsync()
    {
        var alert = Firing("a1", FollowUpWorld.Monday.AddDays(-4)).Severity("error");
        await World.Incidents.AlertsAsync("g", alert);
        await World.Incidents.AlertsAsync("g", alert.Resolved(FollowUpWorld.Monday.AddDays(-3)));
    }

    public sealed class OnSqlite() : EightWeekFollowUpTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : EightWeekFollowUpTests(postgres);

    [Fact]
    public async Task Eight_weeks_of_follow_up_chase_each_item_until_it_is_done_or_not_doing()
    {
        var title = (await World.Incidents.GetAsync("INC-2026-0001")).GetProperty("title").GetString();

        // Monday 11-23, before the postmortem: 72 hours after the SEV2 resolved, its postmortem is overdue.
        var overdueBefore = await World.GaugeAsync("incidentbridge_postmortems_overdue");
        await World.RunAsync("overdue-digest");
        AssertDigests(
            "2026-W48",
            ("carol", "Postmortems overdue", $"[SEV2] INC-2026-0001 {title}: resolved 2026-11-20 09:00 UTC, postmortem due 2026-11-22 09:00 UTC; none written yet"));

        await World.PublishAsync("INC-2026-0001", PostmortemJson.Published()
            .WithItem("1", A, "Dave", "P1", "2026-11-30")
            .WithItem("2", B, "@dave", "P2", dueDate: null)
            .WithItem("3", C, "Erin", "P0", "2026-11-26")
            .WithItem("4", D, "dave", "P3", "2026-12-07"));
        var overdueAfter = await World.GaugeAsync("incidentbridge_postmortems_overdue");
        var b = await World.ItemAsync(B);
        var (ka, kb, kc, kd) = (World.Key(A), World.Key(B), World.Key(C), World.Key(D));

        Assert.Equal((1d, 0d), (overdueBefore, overdueAfter));
        Assert.Equal(("2026-12-23", "policy"), (b.GetProperty("dueDate").GetString(), b.GetProperty("dueDateSource").GetString()));

        // What people do in Jira, and what every Monday's digest must say (recipient, section, entry), in reading order.
        var inJira = new Dictionary<DateOnly, (string Item, string Status)>
        {
            [new(2026, 12, 2)] = (C, "done"),
            [new(2026, 12, 9)] = (D, "not-doing"),
            [new(2026, 12, 17)] = (A, "done"),
            [new(2027, 1, 13)] = (B, "done"),
        };
        var digests = new Dictionary<DateOnly, (string To, string Section, string Entry)[]>
        {
            [new(2026, 11, 30)] =
            [
                ("carol", "Escalated to you", $"[P0] {C}: owner Erin, due 2026-11-26, 4 days overdue, tracker {kc}"),
                ("dave", "Due soon", $"[P1] {A}: due 2026-11-30, due today, tracker {ka}"),
                ("erin", "Overdue", $"[P0] {C}: due 2026-11-26, 4 days overdue, tracker {kc}"),
            ],
            [new(2026, 12, 7)] =
            [
                ("carol", "Escalated to you", $"[P1] {A}: owner Dave, due 2026-11-30, 7 days overdue, tracker {ka}"),
                ("dave", "Overdue", $"[P1] {A}: due 2026-11-30, 7 days overdue, tracker {ka}"),
                ("dave", "Due soon", $"[P3] {D}: due 2026-12-07, due today, tracker {kd}"),
            ],
            [new(2026, 12, 14)] =
            [
                ("carol", "Escalated to you", $"[P1] {A}: owner Dave, due 2026-11-30, 14 days overdue, tracker {ka}"),
                ("dave", "Overdue", $"[P1] {A}: due 2026-11-30, 14 days overdue, tracker {ka}"),
            ],
            [new(2026, 12, 21)] = [("dave", "Due soon", $"[P2] {B}: due 2026-12-23, in 2 days, tracker {kb}")],
            [new(2026, 12, 28)] = [("dave", "Overdue", $"[P2] {B}: due 2026-12-23, 5 days overdue, tracker {kb}")],
            [new(2027, 1, 4)] = [("dave", "Overdue", $"[P2] {B}: due 2026-12-23, 12 days overdue, tracker {kb}")],
            [new(2027, 1, 11)] =
            [
                ("carol", "Escalated to you", $"[P2] {B}: owner Dave, due 2026-12-23, 19 days overdue, tracker {kb}"),
                ("dave", "Overdue", $"[P2] {B}: due 2026-12-23, 19 days overdue, tracker {kb}"),
            ],
            [new(2027, 1, 18)] = [],
        };

        var comments = new List<(DateOnly Day, string Item, string Purpose)>();
        var reviewedOn = new List<DateOnly>();
        for (var day = 1; day <= 56; day++)
        {
            World.Time.Advance(TimeSpan.FromDays(1));
            var today = World.Today;
            if (inJira.TryGetValue(today, out var change))
            {
                World.Jira.Change(World.Issue(change.Item).Marker ?? "", change.Status, World.Time.GetUtcNow());
            }

            await World.RunAsync("status-sync");
            var review = await World.RunAsync("follow-up-review");
            if (review.GetProperty("counts").TryGetProperty("reviewed", out _))
            {
                reviewedOn.Add(today);
            }

            comments.AddRange(NewComments(comments).Select(c => (today, c.Item, c.Purpose)));
            if (today.DayOfWeek == DayOfWeek.Monday)
            {
                await World.RunAsync("overdue-digest");
                AssertDigests(Week(today), digests[today]);
            }
        }

        // Every comment, on the day it was written: flagged once when overdue, escalated once, none after done or not-doing.
        Assert.Equal(
            [
                (new DateOnly(2026, 11, 27), C, "overdue"),
                (new DateOnly(2026, 11, 29), C, "escalation"),
                (new DateOnly(2026, 12, 1), A, "overdue"),
                (new DateOnly(2026, 12, 7), A, "escalation"),
                (new DateOnly(2026, 12, 8), D, "overdue"),
                (new DateOnly(2026, 12, 24), B, "overdue"),
                (new DateOnly(2027, 1, 6), B, "escalation"),
            ],
            comments);
        AssertComments(A, ("overdue", "was due 2026-11-30 and is 1 day overdue. Owner: Dave."), ("escalation", "is 7 days overdue (due 2026-11-30) and is escalated to Carol, lead of Dave."));
        AssertComments(B, ("overdue", "was due 2026-12-23 and is 1 day overdue. Owner: @dave."), ("escalation", "is 14 days overdue (due 2026-12-23) and is escalated to Carol, lead of @dave."));
        AssertComments(C, ("overdue", "was due 2026-11-26 and is 1 day overdue. Owner: Erin."), ("escalation", "is 3 days overdue (due 2026-11-26) and is escalated to Carol, lead of Erin."));
        AssertComments(D, ("overdue", "was due 2026-12-07 and is 1 day overdue. Owner: dave."));
        Assert.All(Items, item => Assert.Contains("overdue", World.Issue(item).Labels));

        // Where it ended: every item done or not-doing, the week-4 milestone recorded once, one timeline entry for the late postmortem.
        var items = await World.ItemsAsync();
        Assert.Equal(
            [(A, "done", true), (B, "done", true), (C, "done", true), (D, "not-doing", false)],
            items.Select(i => (Item: i.GetProperty("description").GetString(), Status: i.GetProperty("status").GetString(), Escalated: i.GetProperty("escalated").GetBoolean()))
                .OrderBy(i => Array.IndexOf(Items, i.Item)));
        Assert.Equal([new DateOnly(2026, 12, 21)], reviewedOn);
        var milestone = (await (await World.Api.GetAsync("/api/postmortems/PM-2026-0001")).JsonAsync()).GetProperty("review");
        Assert.Equal((2, 1, 0), (milestone.GetProperty("done").GetInt32(), milestone.GetProperty("open").GetInt32(), milestone.GetProperty("overdue").GetInt32()));
        Assert.Single(await World.TimelineAsync("INC-2026-0001"), t => t.GetProperty("message").GetString()?.StartsWith("Postmortem overdue", StringComparison.Ordinal) == true);
        Assert.Equal(13, World.Smtp.Received().Count);
    }

    /// <summary>
    /// The week's e-mails are exactly these: one per person named (<c>dave</c> is dave@acme.example), each with these
    /// entries in this order, the HTML part saying the same as the text.
    /// </summary>
    private void AssertDigests(string week, params (string To, string Section, string Entry)[] expected)
    {
        var mails = World.NewMails().OrderBy(m => m.To(), StringComparer.Ordinal).ToList();
        var got = mails.SelectMany(m => m.Entries().Select(e => $"{m.To()} | {e.Section} | {e.Entry}"));
        Assert.Equal(
            $"{week}\n{string.Join("\n", expected.Select(e => $"{e.To}@acme.example | {e.Section} | {e.Entry}"))}",
            $"{week}\n{string.Join("\n", got)}");
        Assert.Equal(expected.Select(e => e.To + "@acme.example").Distinct(), mails.Select(m => m.To()));
        Assert.All(mails, m => m.AssertHtmlMatchesText());
    }

    /// <summary>The item's issue has these comments, in this order, each containing its text; and nothing else.</summary>
    private void AssertComments(string item, params (string Purpose, string Text)[] expected)
    {
        var comments = World.Issue(item).Comments;
        Assert.Equal(expected.Select(e => e.Purpose), comments.Select(c => c.Purpose));
        foreach (var ((_, text), comment) in expected.Zip(comments))
        {
            Assert.Contains(text, comment.Text, StringComparison.Ordinal);
        }
    }

    /// <summary>The comments written on the items' issues that <paramref name="seen"/> does not hold yet.</summary>
    private IEnumerable<(string Item, string Purpose)> NewComments(List<(DateOnly Day, string Item, string Purpose)> seen) =>
        [.. Items
            .SelectMany(item => World.Issue(item).Comments.Select(c => (Item: item, c.Purpose)))
            .Where(c => !seen.Any(s => s.Item == c.Item && s.Purpose == c.Purpose))];

    private static string Week(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}");
    }
}
