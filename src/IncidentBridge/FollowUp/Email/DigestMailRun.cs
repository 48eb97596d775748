using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// One digest run over one SMTP connection (docs/PROTOCOLS.md, "SMTP": connect, authenticate once, send each,
/// disconnect), handed one digest at a time so that its caller learns of each delivery as it happens and can record it
/// before the next message is made. Never throws for an SMTP failure: each delivery says sent, or not and why. Once the
/// connection can carry no more (e-mail not configured, server down, login refused, connection lost), <see cref="Failure"/>
/// says why and every later digest of the run fails with it without a word to the server.
/// </summary>
/// <remarks>
/// A message under way is never cut off by the run's cancellation (shutdown): it ends with the server's answer or at
/// <see cref="MessageDeadline"/>, so a stopping worker finishes the one message in flight, records it, and stops between
/// messages. A message cut off at the deadline has an unknown outcome and counts as not sent: the digest is at least
/// once, never silently lost.
/// </remarks>
internal sealed class DigestMailRun : IAsyncDisposable
{
    /// <summary>
    /// MAIL FROM, RCPT TO, DATA and the end of the data each wait at most <see cref="SmtpOptions.Timeout"/> for the
    /// server; the body is written in between.
    /// </summary>
    private const int MessageDeadlineInTimeouts = 4;

    private readonly SmtpOptions _smtp;
    private readonly string _host = string.Empty;
    private readonly MailboxAddress? _from;
    private readonly ISmtpSessions _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ISmtpSession? _session;
    private bool _notConfiguredLogged;

    public DigestMailRun(EmailOptions options, ISmtpSessions sessions, TimeProvider time, ILogger logger)
    {
        _smtp = options.Smtp;
        _sessions = sessions;
        _time = time;
        _logger = logger;
        MessageDeadline = _smtp.Timeout * MessageDeadlineInTimeouts;
        if (string.IsNullOrWhiteSpace(_smtp.Host))
        {
            Failure = DigestMailer.NotConfigured;
        }
        else if (!EmailAddresses.TryParse(_smtp.From, out _from))
        {
            // Validated on start; kept so a digest run can never throw over it.
            Failure = $"{EmailOptions.Section}:Smtp:From is not a valid e-mail address";
        }
        else
        {
            _host = _smtp.Host.Trim();
        }
    }

    /// <summary>Why no further digest can be sent in this run; null while the run can still send.</summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// The longest one message may take, from MAIL FROM to the server's answer to its data. A claim on a digest held
    /// for longer than this (plus a margin) can never run out while its message is still under way.
    /// </summary>
    public TimeSpan MessageDeadline { get; }

    /// <summary>
    /// Connects and logs in, once per run; true when the run can send. <paramref name="cancellationToken"/> (shutdown)
    /// stops the connecting. False, with <see cref="Failure"/> set, when it cannot send at all.
    /// </summary>
    public async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            if (Failure == DigestMailer.NotConfigured && !_notConfiguredLogged)
            {
                _notConfiguredLogged = true;
                EmailLog.NotConfigured(_logger);
            }

            return false;
        }

        if (_session is { IsConnected: true })
        {
            return true;
        }

        var session = _sessions.Create(_smtp.Timeout);
        try
        {
            await session.ConnectAsync(_host, _smtp.Port, SocketOptions(_smtp), cancellationToken);
        }
        catch (Exception error) when (IsSmtpFailure(error, cancellationToken))
        {
            session.Dispose();
            EmailLog.ConnectionFailed(_logger, _host, _smtp.Port, error);
            Failure = $"could not connect to the SMTP server {_host}:{_smtp.Port}: {error.Message}";
            return false;
        }
        catch
        {
            session.Dispose();
            throw;
        }

        _session = session;
        return await TryAuthenticateAsync(session, cancellationToken);
    }

    /// <summary>
    /// Sends one owner's digest and answers what became of it, connecting first if the run has not yet
    /// (<paramref name="cancellationToken"/> stops only that). The message itself runs to the server's answer or to
    /// <see cref="MessageDeadline"/>, whatever the run's cancellation says meanwhile.
    /// </summary>
    public async Task<DigestDelivery> SendAsync(OwnerDigest digest, CancellationToken cancellationToken)
    {
        if (digest.Count == 0)
        {
            return Failed(digest, DigestMailer.NothingToSay);
        }

        if (!EmailAddresses.TryParse(digest.Email, out var to))
        {
            EmailLog.BadAddress(_logger, digest.Owner, digest.Count);
            return Failed(digest, $"the owner's e-mail address \"{digest.Email}\" is not a valid address");
        }

        if (!await ConnectAsync(cancellationToken))
        {
            return Failed(digest, Failure!);
        }

        var session = _session!;
        using var message = DigestComposer.Compose(digest, _from!, to);
        using var deadline = new CancellationTokenSource(MessageDeadline, _time);
        try
        {
            await session.SendAsync(message, deadline.Token);
            EmailLog.Sent(_logger, digest.Owner, digest.Count);
            return new DigestDelivery(digest.Owner, digest.Email, Sent: true, Error: null);
        }
        catch (SmtpCommandException refused) when (IsRefusal(refused) && session.IsConnected)
        {
            // A refusal of this recipient or this message says nothing about the others: MailKit has reset the
            // transaction, so the same connection carries on.
            EmailLog.Refused(_logger, digest.Owner, digest.Count, (int)refused.StatusCode, refused.Message);
            return Failed(digest, $"the SMTP server refused it ({(int)refused.StatusCode}): {refused.Message}");
        }
        catch (NotSupportedException unsupported) when (session.IsConnected)
        {
            // E.g. a non-ASCII address the server cannot take (no SMTPUTF8): this message only, the connection is fine.
            EmailLog.Unsupported(_logger, digest.Owner, digest.Count, unsupported.Message);
            return Failed(digest, $"the SMTP server cannot take it: {unsupported.Message}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Cut off mid-conversation: the connection is in no state to carry another message, and whether the
            // server took this one is not known. Not sent, so it is tried again: at least once, never lost.
            EmailLog.MessageTimedOut(_logger, digest.Owner, (long)MessageDeadline.TotalSeconds);
            Abandon($"the SMTP server did not answer the message within {MessageDeadline}; whether it was delivered is not known");
            return Failed(digest, Failure!);
        }
        catch (Exception error) when (IsSmtpFailure(error, CancellationToken.None))
        {
            EmailLog.RunFailed(_logger, digest.Owner, error);
            Abandon($"the SMTP connection failed: {error.Message}");
            return Failed(digest, Failure!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not { } session)
        {
            return;
        }

        _session = null;
        try
        {
            if (session.IsConnected)
            {
                using var quit = new CancellationTokenSource(_smtp.Timeout, _time);
                await session.DisconnectAsync(quit.Token);
            }
        }
        catch (Exception error) when (IsSmtpFailure(error, CancellationToken.None) || error is OperationCanceledException)
        {
            // Every message already has its answer; a lost QUIT changes none of them.
            EmailLog.DisconnectFailed(_logger, error.Message);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>Once per run, and only with a username: a relay that needs no login is not sent one.</summary>
    private async Task<bool> TryAuthenticateAsync(ISmtpSession session, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_smtp.Username))
        {
            return true;
        }

        try
        {
            await session.AuthenticateAsync(_smtp.Username, _smtp.Password ?? string.Empty, cancellationToken);
            return true;
        }
        catch (Exception error) when (IsSmtpFailure(error, cancellationToken))
        {
            // The server's answer (e.g. "535 5.7.8 Authentication credentials invalid") names neither user nor password.
            EmailLog.LoginFailed(_logger, error);
            Failure = $"the SMTP server did not accept the login of {EmailOptions.Section}:Smtp:Username: {error.Message}";
            await DisposeAsync();
            return false;
        }
    }

    private void Abandon(string failure)
    {
        Failure = failure;
        _session?.Dispose();
        _session = null;
    }

    /// <summary>Never StartTlsWhenAvailable or Auto: both fall back to plain text without a word (docs/PROTOCOLS.md, "SMTP").</summary>
    private static SecureSocketOptions SocketOptions(SmtpOptions smtp) =>
        smtp.UseStartTls ? SecureSocketOptions.StartTls
        : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
        : SecureSocketOptions.None;

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

    private static DigestDelivery Failed(OwnerDigest digest, string error) => new(digest.Owner, digest.Email, Sent: false, error);
}
