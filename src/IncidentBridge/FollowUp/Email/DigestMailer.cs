using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// Sends a run of digests over one SMTP connection (PROTOCOLS.md "SMTP (MailKit)": connect, authenticate once, send
/// all, disconnect). Never throws for an SMTP failure: the report says, per owner, what was sent and why not.
/// </summary>
internal sealed partial class DigestMailer(IOptions<EmailOptions> options, ILogger<DigestMailer> logger)
{
    public const string NotConfigured = "e-mail is not configured (IncidentBridge:Email:Smtp:Host)";
    public const string NothingOverdue = "nothing overdue: no e-mail sent";

    private readonly EmailOptions _options = options.Value;

    public async Task<DigestSendReport> SendAsync(IReadOnlyList<OwnerDigest> digests, CancellationToken cancellationToken)
    {
        var host = _options.Smtp.Host?.Trim();
        if (string.IsNullOrEmpty(host))
        {
            LogNotConfigured(digests.Count);
            return new DigestSendReport([.. digests.Select(d => Failed(d, NotConfigured))]);
        }

        if (!EmailAddresses.TryParse(_options.Smtp.From, out var from))
        {
            // Validated on start; kept so a digest run can never throw over it.
            return new DigestSendReport([.. digests.Select(d => Failed(d, "IncidentBridge:Email:Smtp:From is not a valid e-mail address"))]);
        }

        var deliveries = new DigestDelivery?[digests.Count];
        var toSend = Prepare(digests, from, deliveries);
        try
        {
            if (toSend.Count > 0)
            {
                await SendOverOneConnectionAsync(host, toSend, deliveries, cancellationToken);
            }
        }
        finally
        {
            foreach (var outgoing in toSend)
            {
                outgoing.Message.Dispose();
            }
        }

        return new DigestSendReport([.. deliveries.Select((d, i) => d ?? Failed(digests[i], "not attempted"))]);
    }

    /// <summary>Answers what needs no server (nothing overdue, an unusable address) and composes the rest.</summary>
    private List<Outgoing> Prepare(IReadOnlyList<OwnerDigest> digests, MailboxAddress from, DigestDelivery?[] deliveries)
    {
        var toSend = new List<Outgoing>(digests.Count);
        for (var i = 0; i < digests.Count; i++)
        {
            var digest = digests[i];
            if (digest.Items.Count == 0)
            {
                deliveries[i] = Failed(digest, NothingOverdue);
            }
            else if (!EmailAddresses.TryParse(digest.Email, out var to))
            {
                LogBadAddress(digest.Owner, digest.Items.Count);
                deliveries[i] = Failed(digest, $"the owner's e-mail address \"{digest.Email}\" is not a valid address");
            }
            else
            {
                toSend.Add(new Outgoing(i, digest, DigestComposer.Compose(digest, from, to)));
            }
        }

        return toSend;
    }

    private async Task SendOverOneConnectionAsync(string host, List<Outgoing> toSend, DigestDelivery?[] deliveries, CancellationToken cancellationToken)
    {
        var smtp = _options.Smtp;
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, smtp.Port, SocketOptions(smtp), cancellationToken);
        }
        catch (Exception error) when (IsSmtpFailure(error, cancellationToken))
        {
            LogConnectionFailed(host, smtp.Port, toSend.Count, error);
            FailRemaining(toSend, 0, deliveries, $"could not connect to the SMTP server {host}:{smtp.Port}: {error.Message}");
            return;
        }

        if (!await TryAuthenticateAsync(client, smtp, toSend, deliveries, cancellationToken))
        {
            await DisconnectAsync(client, cancellationToken);
            return;
        }

        for (var next = 0; next < toSend.Count; next++)
        {
            var outgoing = toSend[next];
            try
            {
                await client.SendAsync(outgoing.Message, cancellationToken);
                LogSent(outgoing.Digest.Owner, outgoing.Digest.Items.Count);
                deliveries[outgoing.Index] = new DigestDelivery(outgoing.Digest.Owner, outgoing.Digest.Email, Sent: true, Error: null);
            }
            catch (SmtpCommandException refused) when (IsRefusal(refused) && client.IsConnected)
            {
                // A refusal of this recipient or this message says nothing about the others: MailKit has reset the
                // transaction, so the same connection carries on.
                LogRefused(outgoing.Digest.Owner, outgoing.Digest.Items.Count, (int)refused.StatusCode, refused.Message);
                deliveries[outgoing.Index] = Failed(outgoing.Digest, $"the SMTP server refused it ({(int)refused.StatusCode}): {refused.Message}");
            }
            catch (NotSupportedException unsupported) when (client.IsConnected)
            {
                // E.g. a non-ASCII address the server cannot take (no SMTPUTF8): this message only, the connection is fine.
                LogUnsupported(outgoing.Digest.Owner, outgoing.Digest.Items.Count, unsupported.Message);
                deliveries[outgoing.Index] = Failed(outgoing.Digest, $"the SMTP server cannot take it: {unsupported.Message}");
            }
            catch (Exception error) when (IsSmtpFailure(error, cancellationToken))
            {
                LogRunFailed(outgoing.Digest.Owner, toSend.Count - next, error);
                FailRemaining(toSend, next, deliveries, $"the SMTP connection failed: {error.Message}");
                break;
            }
        }

        await DisconnectAsync(client, cancellationToken);
    }

    /// <summary>Once per run, and only with a username: a relay that needs no login is not sent one.</summary>
    private async Task<bool> TryAuthenticateAsync(SmtpClient client, SmtpOptions smtp, List<Outgoing> toSend, DigestDelivery?[] deliveries, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(smtp.Username))
        {
            return true;
        }

        try
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? string.Empty, cancellationToken);
            return true;
        }
        catch (Exception error) when (IsSmtpFailure(error, cancellationToken))
        {
            // The server's answer (e.g. "535 5.7.8 Authentication credentials invalid") names neither user nor password.
            LogLoginFailed(toSend.Count, error);
            FailRemaining(toSend, 0, deliveries, $"the SMTP server did not accept the login of {EmailOptions.Section}:Smtp:Username: {error.Message}");
            return false;
        }
    }

    /// <summary>Never StartTlsWhenAvailable or Auto: both fall back to plain text without a word (PROTOCOLS.md).</summary>
    private static SecureSocketOptions SocketOptions(SmtpOptions smtp) =>
        smtp.UseStartTls ? SecureSocketOptions.StartTls
        : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
        : SecureSocketOptions.None;

    private async Task DisconnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception error) when (IsSmtpFailure(error, cancellationToken))
        {
            // Every message already has its answer; a lost QUIT changes none of them.
            LogDisconnectFailed(error.Message);
        }
    }

    private static bool IsRefusal(SmtpCommandException error) =>
        error.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted;

    /// <summary>
    /// What the server or the network can do to a run. Our own cancellation is not one of them; a MailKit timeout
    /// (an <see cref="OperationCanceledException"/> without our token cancelled, or a <see cref="TimeoutException"/>) is.
    /// </summary>
    private static bool IsSmtpFailure(Exception error, CancellationToken cancellationToken) => error switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        CommandException or ProtocolException or AuthenticationException or SslHandshakeException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or NotSupportedException
            or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    private static void FailRemaining(List<Outgoing> toSend, int from, DigestDelivery?[] deliveries, string error)
    {
        for (var i = from; i < toSend.Count; i++)
        {
            deliveries[toSend[i].Index] = Failed(toSend[i].Digest, error);
        }
    }

    private static DigestDelivery Failed(OwnerDigest digest, string error) => new(digest.Owner, digest.Email, Sent: false, error);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Sent the overdue digest to {Owner} ({ItemCount} items)")]
    private partial void LogSent(string owner, int itemCount);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "The SMTP server refused the overdue digest for {Owner} ({ItemCount} items): {StatusCode} {Reason}")]
    private partial void LogRefused(string owner, int itemCount, int statusCode, string reason);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "Could not connect to the SMTP server {Host}:{Port}; {DigestCount} overdue digests not sent")]
    private partial void LogConnectionFailed(string host, int port, int digestCount, Exception error);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Error, Message = "The SMTP connection failed while sending the overdue digest for {Owner}; {DigestCount} overdue digests not sent")]
    private partial void LogRunFailed(string owner, int digestCount, Exception error);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "E-mail is not configured (IncidentBridge:Email:Smtp:Host); {DigestCount} overdue digests not sent")]
    private partial void LogNotConfigured(int digestCount);

    [LoggerMessage(EventId = 6206, Level = LogLevel.Warning, Message = "The overdue digest for {Owner} ({ItemCount} items) has no valid e-mail address")]
    private partial void LogBadAddress(string owner, int itemCount);

    [LoggerMessage(EventId = 6207, Level = LogLevel.Debug, Message = "Closing the SMTP connection failed after the run: {Reason}")]
    private partial void LogDisconnectFailed(string reason);

    [LoggerMessage(EventId = 6208, Level = LogLevel.Error, Message = "The SMTP server did not accept the login; {DigestCount} overdue digests not sent")]
    private partial void LogLoginFailed(int digestCount, Exception error);

    [LoggerMessage(EventId = 6209, Level = LogLevel.Warning, Message = "The SMTP server cannot take the overdue digest for {Owner} ({ItemCount} items): {Reason}")]
    private partial void LogUnsupported(string owner, int itemCount, string reason);

    private sealed record Outgoing(int Index, OwnerDigest Digest, MimeMessage Message);
}
