using IncidentBridge.FollowUp.Email;
using MimeKit;

namespace IncidentBridge.Tests.FollowUp.Email;

public sealed class DigestComposerTests
{
    private static readonly MailboxAddress From = new("IncidentBridge", "incidents@example.com");

    [Fact]
    public void Digest_is_plain_text_and_HTML_alternatives_of_the_same_content()
    {
        using var message = Compose(Digests.For("alice", Digests.Item()));

        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Collection(
            alternative,
            text => Assert.Equal("text/plain", text.ContentType.MimeType),
            html => Assert.Equal("text/html", html.ContentType.MimeType));
        AssertBothContain(message, "Add an alert on queue depth");
    }

    [Fact]
    public void Digest_goes_from_the_configured_sender_to_the_owner_with_the_count_in_the_subject()
    {
        using var message = Compose(Digests.For("alice", Digests.Item("a"), Digests.Item("b"), Digests.Item("c")));

        Assert.Equal("incidents@example.com", Assert.Single(message.From.Mailboxes).Address);
        var to = Assert.Single(message.To.Mailboxes);
        Assert.Equal("alice@example.com", to.Address);
        Assert.Equal("alice", to.Name);
        Assert.Equal("IncidentBridge: 3 overdue action items", message.Subject);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
    }

    [Fact]
    public void Items_are_grouped_under_their_incident_oldest_due_date_first()
    {
        var digest = Digests.For(
            "alice",
            Digests.Item("newer incident item", incidentId: "INC-2", incidentTitle: "Search slow", daysOverdue: 3),
            Digests.Item("older incident item", incidentId: "INC-1", incidentTitle: "Checkout outage", daysOverdue: 20),
            Digests.Item("second item of the newer incident", incidentId: "INC-2", incidentTitle: "Search slow", daysOverdue: 1));

        using var message = Compose(digest);

        foreach (var body in new[] { message.TextBody, message.HtmlBody })
        {
            AssertInOrder(body, "INC-1 Checkout outage", "older incident item", "INC-2 Search slow", "newer incident item", "second item of the newer incident");
            Assert.Equal(1, Occurrences(body, "INC-2 Search slow"));
        }
    }

    [Fact]
    public void Items_of_an_incident_are_listed_most_overdue_first()
    {
        using var message = Compose(Digests.For("alice", Digests.Item("two days", daysOverdue: 2), Digests.Item("forty days", daysOverdue: 40), Digests.Item("nine days", daysOverdue: 9)));

        AssertInOrder(message.TextBody, "forty days", "nine days", "two days");
        AssertInOrder(message.HtmlBody, "forty days", "nine days", "two days");
    }

    [Fact]
    public void Each_item_shows_priority_due_date_days_overdue_and_tracker_link()
    {
        using var message = Compose(Digests.For("alice", Digests.Item(priority: "P0", daysOverdue: 12)));

        Assert.Contains("[P0] Add an alert on queue depth: due 2026-03-08, 12 days overdue, tracker PAY-12 https://acme.atlassian.net/browse/PAY-12", message.TextBody, StringComparison.Ordinal);
        AssertContainsAll(message.HtmlBody, "<strong>P0</strong>", "due 2026-03-08", "12 days overdue", "<a href=\"https://acme.atlassian.net/browse/PAY-12\">PAY-12</a>");
    }

    [Fact]
    public void One_day_overdue_is_singular()
    {
        using var message = Compose(Digests.For("alice", Digests.Item(daysOverdue: 1)));

        Assert.Contains("1 day overdue", message.TextBody, StringComparison.Ordinal);
        Assert.Equal("IncidentBridge: 1 overdue action item", message.Subject);
    }

    [Fact]
    public void Item_without_a_tracker_issue_says_so()
    {
        using var message = Compose(Digests.For("alice", Digests.Item(trackerKey: null, trackerUrl: null)));

        AssertBothContain(message, "no tracker issue yet");
        Assert.DoesNotContain("<a ", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_value_is_HTML_encoded()
    {
        var digest = new OwnerDigest(
            "<b>alice</b>",
            "alice@example.com",
            [Digests.Item("<script>alert('x')</script> & more", incidentTitle: "<img src=x onerror=alert(1)>", priority: "<i>P1</i>", trackerKey: "<PAY-12>")],
            [new RepeatIncident("INC-2026-0043", "<script>again</script>", "INC-2026-0042", 3, 2)]);

        using var message = Compose(digest);

        AssertContainsNone(message.HtmlBody, "<script>", "<img", "<b>alice", "<i>P1", "<PAY-12>");
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<script>alert('x')</script> & more", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracker_url_that_is_not_a_web_link_is_not_made_a_link()
    {
        using var message = Compose(Digests.For("alice", Digests.Item(trackerUrl: "javascript:alert(1)")));

        Assert.DoesNotContain("href", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("PAY-12", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeat_incidents_are_listed_with_their_open_and_overdue_follow_ups()
    {
        var digest = Digests.For("alice", Digests.Item())
            .WithRepeats(new RepeatIncident("INC-2026-0043", "Checkout down again", "INC-2026-0042", 3, 2));

        using var message = Compose(digest);

        AssertBothContain(message, "INC-2026-0043 repeats INC-2026-0042: 3 action items open, 2 overdue");
        Assert.Contains("Checkout down again", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_repeat_incidents_there_is_no_repeat_section()
    {
        using var message = Compose(Digests.For("alice", Digests.Item()));

        AssertContainsNone(message.TextBody, "Repeat incidents");
        AssertContainsNone(message.HtmlBody, "Repeat incidents");
    }

    [Fact]
    public void Multi_line_description_stays_on_one_line()
    {
        using var message = Compose(Digests.For("alice", Digests.Item("Add an alert\non queue depth\r\n  and page")));

        Assert.Contains("[P1] Add an alert on queue depth and page: due", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_come_in_order_overdue_due_soon_escalated_postmortems_each_with_its_count_and_the_subject_sums_them_up()
    {
        var digest = Digests.For("alice", Digests.Item("late item")) with
        {
            DueSoon = [Digests.DueIn(2, "soon item"), Digests.DueIn(1, "sooner item")],
            Escalated = [Digests.Item("escalated item", daysOverdue: 9) with { Owner = "Dave" }],
            PostmortemsOverdue = [Digests.Postmortem()],
        };

        using var message = Compose(digest);

        Assert.Equal("IncidentBridge: 1 overdue action item, 2 action items due soon, 1 action item escalated to you, 1 postmortem overdue", message.Subject);
        AssertInOrder(
            message.TextBody,
            "Your follow-ups this week: 1 overdue action item, 2 action items due soon, 1 action item escalated to you, 1 postmortem overdue.",
            "Overdue (1)", "-----------", "late item",
            "Due soon (2)", "------------", "sooner item", "soon item",
            "Escalated to you (1)", "escalated item",
            "Postmortems overdue (1)", "INC-2026-0050");
        AssertInOrder(
            message.HtmlBody,
            ">Overdue (1)</h2>", "late item", ">Due soon (2)</h2>", "sooner item", "soon item", ">Escalated to you (1)</h2>", "escalated item", ">Postmortems overdue (1)</h2>", "INC-2026-0050");
    }

    [Fact]
    public void A_section_with_nothing_in_it_is_left_out()
    {
        using var message = Compose(new OwnerDigest("alice", "alice@example.com", [], []) { DueSoon = [Digests.DueIn(3)] });

        Assert.Equal("IncidentBridge: 1 action item due soon", message.Subject);
        foreach (var body in new[] { message.TextBody, message.HtmlBody })
        {
            Assert.Contains("Due soon (1)", body, StringComparison.Ordinal);
            AssertContainsNone(body, "Overdue (", "Escalated to you", "Postmortems overdue");
        }
    }

    [Fact]
    public void Item_due_soon_says_in_how_many_days_or_today()
    {
        var digest = new OwnerDigest("alice", "alice@example.com", [], []) { DueSoon = [Digests.DueIn(2, "in two days"), Digests.DueIn(0, "due today item")] };

        using var message = Compose(digest);

        AssertContainsAll(message.TextBody, "[P2] due today item: due 2026-03-20, due today, tracker PAY-12", "[P2] in two days: due 2026-03-22, in 2 days, tracker PAY-12");
        Assert.Contains("<strong>in 2 days</strong>", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalated_item_names_the_person_who_owns_it()
    {
        var digest = new OwnerDigest("carol", "carol@example.com", [], []) { Escalated = [Digests.Item("Rotate the keys", priority: "P0", daysOverdue: 4) with { Owner = "Dave" }] };

        using var message = Compose(digest);

        Assert.Contains("[P0] Rotate the keys: owner Dave, due 2026-03-16, 4 days overdue, tracker PAY-12", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("owner <strong>Dave</strong>, due 2026-03-16", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Postmortem_overdue_says_when_the_incident_resolved_when_its_postmortem_was_due_and_how_far_it_got()
    {
        var digest = new OwnerDigest("ops", "ops@example.com", [], [])
        {
            PostmortemsOverdue = [Digests.Postmortem(), Digests.Postmortem("INC-2026-0051", "Queue backlog", "SEV2", "PM-2026-0051", "draft")],
        };

        using var message = Compose(digest);

        AssertContainsAll(
            message.TextBody,
            "[SEV1] INC-2026-0050 Database failover: resolved 2026-03-15 14:30 UTC, postmortem due 2026-03-17 14:30 UTC; none written yet",
            "[SEV2] INC-2026-0051 Queue backlog: resolved 2026-03-15 14:30 UTC, postmortem due 2026-03-17 14:30 UTC; PM-2026-0051 is still draft");
        Assert.Contains("<strong>SEV1</strong> INC-2026-0050 Database failover: resolved 2026-03-15 14:30 UTC", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalated_owner_and_postmortem_titles_are_HTML_encoded()
    {
        var digest = new OwnerDigest("carol", "carol@example.com", [], [])
        {
            Escalated = [Digests.Item() with { Owner = "<b>Dave</b>" }],
            PostmortemsOverdue = [Digests.Postmortem(title: "<script>x</script>", postmortemId: "<i>PM</i>", status: "<u>draft</u>")],
        };

        using var message = Compose(digest);

        AssertContainsNone(message.HtmlBody, "<b>Dave", "<script>", "<i>PM", "<u>draft");
    }

    private static MimeMessage Compose(OwnerDigest digest) =>
        DigestComposer.Compose(digest, From, MailboxAddress.Parse(digest.Email));

    private static void AssertInOrder(string? text, params string[] parts)
    {
        Assert.NotNull(text);
        var at = 0;
        foreach (var part in parts)
        {
            var found = text.IndexOf(part, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"Expected \"{part}\" after position {at} in:{Environment.NewLine}{text}");
            at = found + part.Length;
        }
    }

    /// <summary>The plain-text and the HTML alternative both say <paramref name="part"/>.</summary>
    private static void AssertBothContain(MimeMessage message, string part)
    {
        Assert.Contains(part, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(part, message.HtmlBody, StringComparison.Ordinal);
    }

    private static void AssertContainsAll(string? text, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.Contains(part, text, StringComparison.Ordinal);
        }
    }

    private static void AssertContainsNone(string? text, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.DoesNotContain(part, text, StringComparison.Ordinal);
        }
    }

    private static int Occurrences(string? text, string part) =>
        text is null ? 0 : (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
