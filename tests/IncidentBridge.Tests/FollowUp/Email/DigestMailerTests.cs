using IncidentBridge.FollowUp.Email;
using IncidentBridge.Tests.Trackers.GitHub;

namespace IncidentBridge.Tests.FollowUp.Email;

/// <summary>The mailer against a real SMTP server (Debian's python3-aiosmtpd), over loopback.</summary>
public sealed class DigestMailerTests
{
    private readonly ListLogger<DigestMailer> _log = new();

    [Fact]
    public async Task Three_owners_get_exactly_three_messages_each_with_their_own_items_over_one_connection()
    {
        await using var smtp = await SmtpServerProcess.StartAsync();
        var digests = new[]
        {
            Digests.For("alice", Digests.Item("alice rotates the keys"), Digests.Item("alice adds the alert", incidentId: "INC-2")),
            Digests.For("bob", Digests.Item("bob writes the runbook")),
            Digests.For("carol", Digests.Item("carol fixes the retry loop", trackerKey: null, trackerUrl: null)),
        };

        var report = await Mailer(smtp.Port).SendAsync(digests, CancellationToken.None);

        Assert.All(report.Deliveries, d => Assert.True(d.Sent, d.Error));
        Assert.Equal(["alice", "bob", "carol"], report.Deliveries.Select(d => d.Owner));
        var received = smtp.Received();
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(m => m.Peer).Distinct());
        AssertDelivered(received, "alice@example.com", "IncidentBridge: 2 overdue action items", "alice rotates the keys", "alice adds the alert");
        AssertDelivered(received, "bob@example.com", "IncidentBridge: 1 overdue action item", "bob writes the runbook");
        AssertDelivered(received, "carol@example.com", "IncidentBridge: 1 overdue action item", "carol fixes the retry loop", "no tracker issue yet");
        AssertOnlyOwnItems(received, "alice", "bob", "carol");
    }

    [Fact]
    public async Task Refused_recipient_fails_only_that_owner_and_the_others_are_delivered()
    {
        await using var smtp = await SmtpServerProcess.StartAsync("bob@example.com");
        var digests = new[] { Digests.For("alice", Digests.Item()), Digests.For("bob", Digests.Item()), Digests.For("carol", Digests.Item()) };

        var report = await Mailer(smtp.Port).SendAsync(digests, CancellationToken.None);

        Assert.Collection(
            report.Deliveries,
            alice => Assert.True(alice.Sent, alice.Error),
            bob =>
            {
                Assert.False(bob.Sent);
                Assert.Contains("550", bob.Error, StringComparison.Ordinal);
            },
            carol => Assert.True(carol.Sent, carol.Error));
        Assert.Equal(["alice@example.com", "carol@example.com"], smtp.Received().Select(m => Assert.Single(m.Recipients)));
        Assert.Contains(_log.Entries, e => e.Message.Contains("bob", StringComparison.Ordinal) && e.Message.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_down_reports_every_digest_failed_without_throwing()
    {
        var closedPort = FreePort.Next();
        var digests = new[] { Digests.For("alice", Digests.Item()), Digests.For("bob", Digests.Item()) };

        var report = await Mailer(closedPort).SendAsync(digests, CancellationToken.None);

        Assert.Equal(2, report.Deliveries.Count);
        Assert.All(report.Deliveries, d =>
        {
            Assert.False(d.Sent);
            Assert.Contains($"127.0.0.1:{closedPort}", d.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Without_an_SMTP_host_every_digest_is_reported_not_sent_because_email_is_not_configured()
    {
        var mailer = new DigestMailer(Options.Create(new EmailOptions()), new MailKitSmtpSessions(), TimeProvider.System, _log);

        var report = await mailer.SendAsync([Digests.For("alice", Digests.Item()), Digests.For("bob", Digests.Item())], CancellationToken.None);

        Assert.Equal(["alice", "bob"], report.Deliveries.Select(d => d.Owner));
        Assert.All(report.Deliveries, d =>
        {
            Assert.False(d.Sent);
            Assert.Equal("e-mail is not configured (IncidentBridge:Email:Smtp:Host)", d.Error);
        });
    }

    [Fact]
    public async Task Configured_login_is_used_and_the_digests_are_sent()
    {
        await using var smtp = await SmtpServerProcess.StartAsync();

        var report = await Mailer(smtp.Port, SmtpServerProcess.Username, SmtpServerProcess.Password)
            .SendAsync([Digests.For("alice", Digests.Item())], CancellationToken.None);

        Assert.True(Assert.Single(report.Deliveries).Sent);
        Assert.Single(smtp.Received());
    }

    [Fact]
    public async Task Rejected_login_fails_every_digest_and_never_reveals_the_password()
    {
        await using var smtp = await SmtpServerProcess.StartAsync();
        const string wrongPassword = "wrong-password-do-not-log";

        var report = await Mailer(smtp.Port, SmtpServerProcess.Username, wrongPassword)
            .SendAsync([Digests.For("alice", Digests.Item()), Digests.For("bob", Digests.Item())], CancellationToken.None);

        Assert.All(report.Deliveries, d =>
        {
            Assert.False(d.Sent);
            Assert.Contains("535", d.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongPassword, d.Error, StringComparison.Ordinal);
        });
        Assert.Empty(smtp.Received());
        Assert.NotEmpty(_log.Entries);
        Assert.All(_log.Entries, e => Assert.DoesNotContain(wrongPassword, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartTls_required_but_not_offered_sends_nothing_in_plain_text()
    {
        await using var smtp = await SmtpServerProcess.StartAsync();

        var report = await Mailer(smtp.Port, useStartTls: true).SendAsync([Digests.For("alice", Digests.Item())], CancellationToken.None);

        var delivery = Assert.Single(report.Deliveries);
        Assert.False(delivery.Sent);
        Assert.Contains("STARTTLS", delivery.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Received());
    }

    [Fact]
    public async Task Owner_with_nothing_overdue_or_an_unusable_address_gets_no_mail_and_the_others_do()
    {
        await using var smtp = await SmtpServerProcess.StartAsync();
        var digests = new[]
        {
            Digests.For("alice"),
            new OwnerDigest("bob", "bob", [Digests.Item()], []),
            Digests.For("carol", Digests.Item()),
        };

        var report = await Mailer(smtp.Port).SendAsync(digests, CancellationToken.None);

        Assert.Equal([false, false, true], report.Deliveries.Select(d => d.Sent));
        Assert.Contains("nothing overdue", report.Deliveries[0].Error, StringComparison.Ordinal);
        Assert.Contains("not a valid address", report.Deliveries[1].Error, StringComparison.Ordinal);
        Assert.Equal("carol@example.com", Assert.Single(Assert.Single(smtp.Received()).Recipients));
    }

    private DigestMailer Mailer(int port, string? username = null, string? password = null, bool useStartTls = false) =>
        new(
            Options.Create(new EmailOptions
            {
                Smtp = new SmtpOptions
                {
                    Host = "127.0.0.1",
                    Port = port,
                    UseStartTls = useStartTls,
                    Username = username,
                    Password = password,
                    From = "IncidentBridge <incidents@example.com>",
                    Timeout = TimeSpan.FromSeconds(10),
                },
            }),
            new MailKitSmtpSessions(),
            TimeProvider.System,
            _log);

    /// <summary>Every item description starts with its owner's name: no message may carry another owner's item.</summary>
    private static void AssertOnlyOwnItems(IReadOnlyList<ReceivedMail> received, params string[] owners)
    {
        foreach (var mail in received)
        {
            var owner = mail.Recipients[0].Split('@')[0];
            foreach (var other in owners.Where(o => o != owner))
            {
                Assert.DoesNotContain($"{other} ", mail.Text, StringComparison.Ordinal);
            }
        }
    }

    private static void AssertDelivered(IReadOnlyList<ReceivedMail> received, string recipient, string subject, params string[] items)
    {
        var mail = Assert.Single(received, m => m.Recipients.SequenceEqual([recipient]));
        Assert.Equal(recipient, Assert.Single(mail.Message.To.Mailboxes).Address);
        Assert.Equal("incidents@example.com", Assert.Single(mail.Message.From.Mailboxes).Address);
        Assert.Equal(subject, mail.Message.Subject);
        foreach (var item in items)
        {
            Assert.Contains(item, mail.Text, StringComparison.Ordinal);
            Assert.Contains(item, mail.Html, StringComparison.Ordinal);
        }
    }
}
