using IncidentBridge.Tests.FollowUp.Email;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.FollowUp;

/// <summary>
/// The weekly digest per person, with its sections (Overdue, Due soon, Escalated to you, Postmortems overdue), through
/// <c>POST /api/jobs/{name}/run</c> against a fake Jira and a real SMTP server, on SQLite (<see cref="OnSqlite"/>) and
/// PostgreSQL (<see cref="OnPostgres"/>). The clock stands on Monday 2026-11-23 09:00 UTC unless a test moves it.
/// </summary>
public abstract class DigestSectionsTests(PostgresServer? postgres) : FollowUpWorldTests(postgres, Settings)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["IncidentBridge:Owners:Dave:Email"] = "dave@acme.example",
        ["IncidentBridge:Owners:Dave:Lead"] = "Carol",
        ["IncidentBridge:Owners:Carol:Email"] = "carol@acme.example",
        ["IncidentBridge:Owners:Erin:Email"] = "erin@acme.example",
        ["IncidentBridge:FollowUp:Policies:P3:RemindBeforeDays"] = "10",
        ["IncidentBridge:FollowUp:PostmortemDue:Recipients:0"] = "carol",
        ["IncidentBridge:FollowUp:PostmortemDue:Recipients:1"] = "ops@acme.example",
    };

    // INC-2026-0001: a SEV3 (warning) still firing, so it never has a postmortem due.
    private protected override async Task StartedAsync() => await World.Incidents.AlertsAsync("g", Firing("a1", FollowUpWorld.Monday.AddHours(-2)));

    public sealed class OnSqlite() : DigestSectionsTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : DigestSectionsTests(postgres);

    [Fact]
    public async Task Dave_dave_and_at_dave_get_one_digest()
    {
        await World.PublishAsync("INC-2026-0001", PostmortemJson.Published()
            .WithItem("1", "Fix the leak", "Dave", dueDate: "2026-11-20")
            .WithItem("2", "Add pool metrics", "dave", dueDate: "2026-11-19")
            .WithItem("3", "Write runbook", "@dave", dueDate: "2026-11-18")
            .WithItem("4", "Tune the retries", "DAVE@acme.example", dueDate: "2026-11-21")
            .WithItem("5", "Chaos drill", "Frank@acme.example", dueDate: "2026-11-20")
            .WithItem("6", "Load test", "frank@acme.example", dueDate: "2026-11-20"));

        var run = await World.RunAsync("overdue-digest");
        var again = await World.RunAsync("overdue-digest");

        var mails = World.NewMails();
        Assert.Equal(["dave@acme.example", "frank@acme.example"], mails.Select(m => m.To()).Order(StringComparer.Ordinal));
        var dave = mails.Single(m => m.To() == "dave@acme.example");
        // All four spellings in one digest, most overdue first.
        Assert.Equal(
            [("Overdue", "Write runbook"), ("Overdue", "Add pool metrics"), ("Overdue", "Fix the leak"), ("Overdue", "Tune the retries")],
            dave.Entries().Select(e => (e.Section, DescriptionOf(e.Entry))));
        Assert.StartsWith("Hello Dave,", dave.Text, StringComparison.Ordinal);
        Assert.Equal("IncidentBridge: 4 overdue action items", dave.Message.Subject);
        Assert.Equal(2, mails.Single(m => m.To() == "frank@acme.example").Entries().Count);
        Assert.Equal(2, run.GetProperty("counts").GetProperty("sent").GetInt64());
        Assert.Equal(2, again.GetProperty("counts").GetProperty("skipped").GetInt64());
    }

    [Fact]
    public async Task Open_item_due_within_its_reminder_window_is_due_soon()
    {
        await World.PublishAsync("INC-2026-0001", PostmortemJson.Published()
            .WithItem("1", "Due today", "Erin", "P1", "2026-11-23")
            .WithItem("2", "Due in three days", "Erin", "P1", "2026-11-26")
            .WithItem("3", "Due in four days", "Erin", "P1", "2026-11-27")
            .WithItem("4", "Low priority due in ten days", "Erin", "P3", "2026-12-03")
            .WithItem("5", "Done already", "Erin", "P1", "2026-11-24", status: "done")
            .WithItem("6", "Late", "Erin", "P1", "2026-11-20"));

        await World.RunAsync("overdue-digest");

        var erin = Assert.Single(World.NewMails());
        Assert.Equal("erin@acme.example", erin.To());
        Assert.Equal(
            [
                ("Overdue", $"[P1] Late: due 2026-11-20, 3 days overdue, tracker {World.Key("Late")}"),
                ("Due soon", $"[P1] Due today: due 2026-11-23, due today, tracker {World.Key("Due today")}"),
                ("Due soon", $"[P1] Due in three days: due 2026-11-26, in 3 days, tracker {World.Key("Due in three days")}"),
                ("Due soon", $"[P3] Low priority due in ten days: due 2026-12-03, in 10 days, tracker {World.Key("Low priority due in ten days")}"),
            ],
            erin.Entries());
        Assert.Equal("IncidentBridge: 1 overdue action item, 3 action items due soon", erin.Message.Subject);
        erin.AssertHtmlMatchesText();
    }

    [Fact]
    public async Task Lead_gets_the_escalated_items_of_the_people_they_lead()
    {
        await World.PublishAsync("INC-2026-0001", PostmortemJson.Published()
            .WithItem("1", "Rotate the keys", "@dave", "P0", "2026-11-18")
            .WithItem("2", "Add an alert", "Dave", "P2", "2026-11-20")
            .WithItem("3", "Fix the failover", "Erin", "P0", "2026-11-18"));

        var review = await World.RunAsync("follow-up-review");
        await World.RunAsync("overdue-digest");

        var mails = World.NewMails();
        var carol = Assert.Single(mails, m => m.To() == "carol@acme.example");
        // Five days overdue is past P0's EscalateAfterDays (3); P2's is 14, and Erin has no lead.
        Assert.Equal([("Escalated to you", $"[P0] Rotate the keys: owner Dave, due 2026-11-18, 5 days overdue, tracker {World.Key("Rotate the keys")}")], carol.Entries());
        Assert.Equal("IncidentBridge: 1 action item escalated to you", carol.Message.Subject);
        carol.AssertHtmlMatchesText();
        Assert.Equal(["Rotate the keys", "Add an alert"], Assert.Single(mails, m => m.To() == "dave@acme.example").Entries().Select(e => DescriptionOf(e.Entry)));
        Assert.Equal(["Fix the failover"], Assert.Single(mails, m => m.To() == "erin@acme.example").Entries().Select(e => DescriptionOf(e.Entry)));
        Assert.Equal(1, review.GetProperty("counts").GetProperty("escalated").GetInt64());
        var escalation = Assert.Single(World.Issue("Rotate the keys").Comments, c => c.Purpose == "escalation");
        Assert.Contains("escalated to Carol, lead of @dave", escalation.Text, StringComparison.Ordinal);

        // Done in the tracker: the lead hears no more of it.
        World.Time.Advance(TimeSpan.FromDays(7));
        World.Jira.Change(World.Issue("Rotate the keys").Marker ?? "", "done", World.Time.GetUtcNow());
        await World.RunAsync("status-sync");
        await World.RunAsync("overdue-digest");

        Assert.DoesNotContain(World.NewMails(), m => m.To() == "carol@acme.example");
    }

    [Fact]
    public async Task Postmortem_overdue_is_in_the_recipients_digest_and_on_metrics()
    {
        var monday = FollowUpWorld.Monday;
        // Resolved Friday 09:00: a SEV1 with no postmortem, a SEV3, a SEV2 with a published postmortem, a SEV1 with a draft;
        // and a SEV2 resolved Sunday noon, not 48 hours ago yet.
        await ResolvedAsync("db", "critical", monday.AddDays(-3));
        await ResolvedAsync("search", "warning", monday.AddDays(-3));
        await ResolvedAsync("cache", "error", monday.AddDays(-3));
        await ResolvedAsync("auth", "critical", monday.AddDays(-3).AddMinutes(1));
        await ResolvedAsync("queue", "error", monday.AddHours(-21));
        await World.PublishAsync("INC-2026-0004", PostmortemJson.Published().WithItem("1", "Add cache alerts", "Erin", dueDate: "2027-01-15"));
        await World.PublishAsync("INC-2026-0005", PostmortemJson.Draft().WithItem("1", "Rotate auth keys", "Erin", dueDate: "2027-01-15"));
        var gauge = await World.GaugeAsync("incidentbridge_postmortems_overdue");

        var run = await World.RunAsync("overdue-digest");
        var forced = await World.RunAsync("overdue-digest", force: true);

        Assert.Equal(2, gauge);
        var expected = new[]
        {
            ("Postmortems overdue", $"[SEV1] INC-2026-0002 {await TitleAsync("INC-2026-0002")}: resolved 2026-11-20 09:00 UTC, postmortem due 2026-11-22 09:00 UTC; none written yet"),
            ("Postmortems overdue", $"[SEV1] INC-2026-0005 {await TitleAsync("INC-2026-0005")}: resolved 2026-11-20 09:01 UTC, postmortem due 2026-11-22 09:01 UTC; PM-2026-0005 is still draft"),
        };
        var mails = World.NewMails();
        Assert.Equal(["carol@acme.example", "carol@acme.example", "ops@acme.example", "ops@acme.example"], mails.Select(m => m.To()).Order(StringComparer.Ordinal));
        Assert.All(mails, m => Assert.Equal(expected, m.Entries()));
        Assert.All(mails, m => Assert.Equal("IncidentBridge: 2 postmortems overdue", m.Message.Subject));
        mails[0].AssertHtmlMatchesText();
        Assert.Equal(2, run.GetProperty("counts").GetProperty("postmortemsOverdue").GetInt64());
        Assert.Equal(2, forced.GetProperty("counts").GetProperty("postmortemsOverdue").GetInt64());
        foreach (var incident in new[] { "INC-2026-0002", "INC-2026-0005" })
        {
            var entry = Assert.Single(await World.TimelineAsync(incident), t => t.GetProperty("message").GetString()?.StartsWith("Postmortem overdue", StringComparison.Ordinal) == true);
            Assert.Equal("overdue", entry.GetProperty("kind").GetString());
        }

        Assert.DoesNotContain(await World.TimelineAsync("INC-2026-0006"), t => t.GetProperty("message").GetString()?.StartsWith("Postmortem overdue", StringComparison.Ordinal) == true);

        // Tuesday 13:00: the SEV2 of Sunday noon is overdue too, and publishing the first SEV1's postmortem takes it off.
        World.Time.Advance(TimeSpan.FromHours(28));
        var tuesday = await World.GaugeAsync("incidentbridge_postmortems_overdue");
        await World.PublishAsync("INC-2026-0002", PostmortemJson.Published().WithItem("1", "Add db alerts", "Erin", dueDate: "2027-01-15"));

        Assert.Equal(3, tuesday);
        Assert.Equal(2, await World.GaugeAsync("incidentbridge_postmortems_overdue"));
    }

    private static string DescriptionOf(string entry) => entry[(entry.IndexOf("] ", StringComparison.Ordinal) + 2)..entry.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>A new incident of its own service, fired a day before <paramref name="resolvedAt"/> and resolved then.</summary>
    private async Task ResolvedAsync(string service, string severity, DateTimeOffset resolvedAt)
    {
        var alert = Firing($"fp-{service}", resolvedAt.AddDays(-1)).Service(service).Severity(severity);
        await World.Incidents.AlertsAsync($"g-{service}", alert);
        await World.Incidents.AlertsAsync($"g-{service}", alert.Resolved(resolvedAt));
    }

    private async Task<string> TitleAsync(string incidentId) => (await World.Incidents.GetAsync(incidentId)).GetProperty("title").GetString() ?? "";
}
