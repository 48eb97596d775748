using IncidentBridge.FollowUp.Email;
using IncidentBridge.Tests.Deployment;
using MimeKit;

namespace IncidentBridge.Tests.FollowUp.Email;

/// <summary>
/// The example digest in the README is the code's own rendering of this fixture: the text part inline, the HTML part as
/// <c>docs/digest-example.html</c> (and, rendered by a browser, <c>docs/digest.png</c>). With
/// <c>INCIDENTBRIDGE_WRITE_EXAMPLES=1</c> the test writes them instead of checking them.
/// </summary>
public sealed class ExampleDigestTests
{
    private const string WriteVariable = "INCIDENTBRIDGE_WRITE_EXAMPLES";
    private const string Readme = "README.md";
    private const string Html = "docs/digest-example.html";
    private const string Start = "<!-- example digest: written by ExampleDigestTests -->";
    private const string End = "<!-- end of example digest -->";

    /// <summary>Monday 2026-12-07: Carol's digest, as a lead, a recipient of overdue postmortems and an owner herself.</summary>
    private static readonly DateOnly Monday = new(2026, 12, 7);

    [Fact]
    public void Readme_shows_the_example_digest_as_the_code_renders_it()
    {
        using var message = DigestComposer.Compose(Example(), new MailboxAddress("IncidentBridge", "incidentbridge@acme.example"), new MailboxAddress("", "carol@acme.example"));
        // Trailing spaces (the "-- " signature line) trimmed: editors strip them from Markdown.
        var body = string.Join("\n", (message.TextBody ?? "").ReplaceLineEndings("\n").TrimEnd().Split('\n').Select(line => line.TrimEnd()));
        var text = $"From: {message.From}\nTo: {message.To}\nSubject: {message.Subject}\n\n{body}";
        var block = $"{Start}\n```text\n{text}\n```\n{End}";
        var readme = RepositoryFiles.Read(Readme).ReplaceLineEndings("\n");
        var at = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(at >= 0 && end > at, $"{Readme} has no example digest between \"{Start}\" and \"{End}\".");
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(RepositoryFiles.PathOf(Readme), readme[..at] + block + readme[(end + End.Length)..]);
            File.WriteAllText(RepositoryFiles.PathOf(Html), message.HtmlBody);
            return;
        }

        var regenerate = $"run this test with {WriteVariable}=1 and render {Html} again (see the README)";
        Assert.True(readme[at..(end + End.Length)] == block, $"The example digest in {Readme} is not what the code renders: {regenerate}.\n{block}");
        Assert.True(RepositoryFiles.Read(Html).ReplaceLineEndings("\n") == message.HtmlBody?.ReplaceLineEndings("\n"), $"{Html} is not what the code renders: {regenerate}.");
    }

    private static OwnerDigest Example() =>
        new(
            "Carol",
            "carol@acme.example",
            [Item("PAY-41", "Add a canary stage to the payments deploy", "INC-2026-0012", "Payments API 5xx after deploy", "P1", new(2026, 11, 30))],
            [new RepeatIncident("INC-2026-0016", "Payments API 5xx again", "INC-2026-0012", 2, 1)])
        {
            DueSoon = [Item("PAY-42", "Alert on connection pool saturation", "INC-2026-0012", "Payments API 5xx after deploy", "P2", new(2026, 12, 9))],
            Escalated =
            [
                Item("PAY-12", "Add a connection pool alert", "INC-2026-0009", "Checkout outage", "P1", new(2026, 11, 30)) with { Owner = "Dave" },
                Item("acme/checkout#88", "Write the failover runbook", "INC-2026-0009", "Checkout outage", "P0", new(2026, 11, 26), "https://github.com/acme/checkout/issues/88") with { Owner = "Erin" },
            ],
            PostmortemsOverdue =
            [
                Postmortem("INC-2026-0014", "Primary database failover", "SEV1", new(2026, 12, 3, 16, 20, 0, TimeSpan.Zero)) with
                {
                    PostmortemId = "PM-2026-0014", PostmortemStatus = "draft",
                },
                Postmortem("INC-2026-0015", "Search index lag", "SEV2", new(2026, 12, 4, 8, 5, 0, TimeSpan.Zero)),
            ],
        };

    private static DigestItem Item(string key, string description, string incidentId, string incidentTitle, string priority, DateOnly due, string? url = null) =>
        new($"ai-{key}", description, incidentId, incidentTitle, priority, due, Monday.DayNumber - due.DayNumber, key, url ?? $"https://acme.atlassian.net/browse/{key}");

    /// <summary>Due <c>PostmortemDue:Hours</c> (48 by default) after it resolved; none written yet.</summary>
    private static OverduePostmortem Postmortem(string incidentId, string title, string severity, DateTimeOffset resolvedAt) =>
        new(incidentId, title, severity, resolvedAt, resolvedAt.AddHours(48));
}
