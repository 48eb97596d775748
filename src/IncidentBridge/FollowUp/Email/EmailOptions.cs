namespace IncidentBridge.FollowUp.Email;

/// <summary>Section <c>IncidentBridge:Email</c>: how digests leave the worker.</summary>
internal sealed class EmailOptions
{
    public const string Section = "IncidentBridge:Email";

    public SmtpOptions Smtp { get; set; } = new();

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);
}

/// <summary>
/// The SMTP relay for digests (<c>IncidentBridge:Email:Smtp:*</c>). No <see cref="Host"/> means e-mail is
/// not configured: digests are reported as not sent rather than failing the job. See docs/PROTOCOLS.md, "SMTP".
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

/// <summary>Names each bad key; never echoes the password (nor the username, which is often half a credential).</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    private const string S = EmailOptions.Section + ":Smtp";

    private const int ImplicitTlsPort = 465;

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var smtp = options.Smtp;
        var failures = new List<string>();
        if (smtp.Port is < 1 or > 65535)
        {
            failures.Add($"{S}:Port must be between 1 and 65535 (was {smtp.Port}).");
        }

        if (smtp.Timeout <= TimeSpan.Zero || smtp.Timeout > MaxTimeout)
        {
            failures.Add($"{S}:Timeout must be more than 00:00:00 and at most {MaxTimeout} (was {smtp.Timeout}).");
        }

        if (Has(smtp.Username) != Has(smtp.Password))
        {
            failures.Add($"{S}:Username and {S}:Password must be set together (one of them is missing).");
        }

        if (options.IsConfigured)
        {
            failures.AddRange(ConnectionFailures(smtp));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> ConnectionFailures(SmtpOptions smtp)
    {
        if (Uri.CheckHostName(smtp.Host?.Trim()) == UriHostNameType.Unknown)
        {
            yield return $"{S}:Host must be a host name or IP address such as smtp.example.com, without a scheme or port (use {S}:Port).";
        }

        if (string.IsNullOrWhiteSpace(smtp.From))
        {
            yield return $"{S}:From is required when {S}:Host is set (e.g. \"IncidentBridge <incidents@example.com>\").";
        }
        else if (!EmailAddresses.TryParse(smtp.From, out _))
        {
            yield return $"{S}:From must be one e-mail address such as incidents@example.com or \"IncidentBridge <incidents@example.com>\" (was \"{smtp.From}\").";
        }

        // Port 465 speaks TLS from the first byte: a STARTTLS client would hang there until the timeout.
        if (smtp.Port == ImplicitTlsPort && smtp.UseStartTls)
        {
            yield return $"{S}:UseStartTls must be false with {S}:Port {ImplicitTlsPort} (implicit TLS); STARTTLS is for ports 587 and 25.";
        }
    }

    private static bool Has(string? value) => !string.IsNullOrWhiteSpace(value);
}
