namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// Sends the weekly digests over SMTP. <see cref="Start"/> begins a run that sends one digest at a time over one
/// connection and answers each delivery as it happens (what <see cref="OverdueDigestJob"/> records before the next);
/// <see cref="SendAsync"/> sends a whole list and answers all at once. Never throws for an SMTP failure.
/// </summary>
internal sealed class DigestMailer(IOptions<EmailOptions> options, ISmtpSessions sessions, TimeProvider time, ILogger<DigestMailer> logger)
{
    public const string NotConfigured = "e-mail is not configured (IncidentBridge:Email:Smtp:Host)";
    public const string NothingToSay = "nothing overdue, due soon, escalated or postmortem overdue: no e-mail sent";

    /// <summary>A run over one SMTP connection, opened on its first digest and closed (QUIT) when disposed.</summary>
    public DigestMailRun Start() => new(options.Value, sessions, time, logger);

    /// <summary>
    /// Sends every digest over one connection; the report has one delivery per digest, in order. Nothing is recorded as
    /// it goes, so a caller that must never send twice uses <see cref="Start"/> instead.
    /// </summary>
    public async Task<DigestSendReport> SendAsync(IReadOnlyList<OwnerDigest> digests, CancellationToken cancellationToken)
    {
        await using var run = Start();
        var deliveries = new List<DigestDelivery>(digests.Count);
        foreach (var digest in digests)
        {
            deliveries.Add(await run.SendAsync(digest, cancellationToken));
        }

        return new DigestSendReport(deliveries);
    }
}

/// <summary>What happened to one owner's digest: sent, or not and why (<paramref name="Error"/> never holds a secret).</summary>
internal sealed record DigestDelivery(string Owner, string Email, bool Sent, string? Error);

/// <summary>One <see cref="DigestDelivery"/> per digest handed to <see cref="DigestMailer"/>, in the same order.</summary>
internal sealed record DigestSendReport(IReadOnlyList<DigestDelivery> Deliveries);
