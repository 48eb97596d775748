namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// The SMTP relay for digests (CONTRACT §1 <c>IncidentBridge:Email:Smtp:*</c>). No <see cref="Host"/> means e-mail is
/// not configured: digests are reported as not sent rather than failing the job. See PROTOCOLS.md "SMTP (MailKit)".
/// </summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>
    /// Upgrade with STARTTLS and fail if the server cannot; false means implicit TLS on port 465 and plain text on any
    /// other port (a local relay). Never "when available": that silently falls back to plain text.
    /// </summary>
    public bool UseStartTls { get; set; } = true;

    public string? Username { get; set; }

    /// <summary>Only ever handed to the SMTP client: never logged, never part of an error or a report.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>IncidentBridge &lt;incidents@example.com&gt;</c>. Required when <see cref="Host"/> is set.</summary>
    public string? From { get; set; }

    /// <summary>How long one SMTP operation (connect, a command, a message) may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
