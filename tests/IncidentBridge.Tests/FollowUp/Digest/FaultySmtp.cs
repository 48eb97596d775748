using System.Net.Sockets;
using MailKit;
using IncidentBridge.FollowUp.Email;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace IncidentBridge.Tests.FollowUp.Digest;

/// <summary>
/// An in-process SMTP server behind the mailer's seam (<see cref="ISmtpSessions"/>), for fault schedules by the hundred:
/// it accepts or refuses each message as <see cref="Faults"/> say, answering with the exceptions MailKit's client
/// throws, and keeps every accepted message's recipient. Before each message it asks <see cref="BeforeMessage"/> what
/// the worker has on record, given what that session has had accepted so far.
/// </summary>
internal sealed class FaultySmtp : ISmtpSessions
{
    private readonly Lock _gate = new();
    private readonly List<string> _accepted = [];
    private SmtpFaults _faults = SmtpFaults.None;
    private int _messages;
    private int _acceptedUnderFaults;

    /// <summary>Called before each message with the recipients that session has had accepted so far.</summary>
    public Func<IReadOnlyList<string>, Task>? BeforeMessage { get; set; }

    /// <summary>What goes wrong from now on; message numbers count from here.</summary>
    public SmtpFaults Faults
    {
        get
        {
            lock (_gate)
            {
                return _faults;
            }
        }

        set
        {
            lock (_gate)
            {
                _faults = value;
                _messages = 0;
                _acceptedUnderFaults = 0;
            }
        }
    }

    public IReadOnlyList<string> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    public void ClearAccepted()
    {
        lock (_gate)
        {
            _accepted.Clear();
        }
    }

    public ISmtpSession Create(TimeSpan timeout) => new Session(this);

    /// <summary>Numbers the message and says whether it is dropped with the connection or refused.</summary>
    private (bool Drop, bool Refuse) Decide(string recipient)
    {
        lock (_gate)
        {
            var number = ++_messages;
            return (_faults.DropAtMessage == number, _faults.Refused.Contains(recipient));
        }
    }

    private void Accept(string recipient)
    {
        CancellationTokenSource? stop = null;
        lock (_gate)
        {
            _accepted.Add(recipient);
            if (++_acceptedUnderFaults == _faults.StopAfterAccepted)
            {
                stop = _faults.Stop;
            }
        }

        // The worker stops right after the server's 250: the run must record this message and stop before the next.
        stop?.Cancel();
    }

    private sealed class Session(FaultySmtp server) : ISmtpSession
    {
        private readonly List<string> _accepted = [];

        public bool IsConnected { get; private set; }

        public async Task ConnectAsync(string host, int port, SecureSocketOptions options, CancellationToken cancellationToken)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (server.Faults.Down)
            {
                throw new SocketException((int)SocketError.ConnectionRefused);
            }

            IsConnected = true;
        }

        public Task AuthenticateAsync(string username, string password, CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            if (!IsConnected)
            {
                throw new ServiceNotConnectedException("The SmtpClient is not connected.");
            }

            var recipient = message.To.Mailboxes.Single().Address;
            if (server.BeforeMessage is { } before)
            {
                await before([.. _accepted]);
            }

            // Lets an overlapping run in between any two steps of this one.
            await Task.Yield();
            var (drop, refuse) = server.Decide(recipient);
            if (drop)
            {
                IsConnected = false;
                throw new IOException("Unable to read data from the transport connection: Connection reset by peer.");
            }

            if (refuse)
            {
                throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, new MailboxAddress(null, recipient), "5.1.1 mailbox unavailable");
            }

            _accepted.Add(recipient);
            server.Accept(recipient);
        }

        public Task DisconnectAsync(CancellationToken cancellationToken)
        {
            IsConnected = false;
            return Task.CompletedTask;
        }

        public void Dispose() => IsConnected = false;
    }
}

/// <summary>
/// What the fake SMTP server does wrong: refuse to connect, refuse recipients, drop the connection at the n-th message
/// (before accepting it), or stop the run (<see cref="Stop"/>) right after accepting the n-th.
/// </summary>
internal sealed record SmtpFaults(
    bool Down = false,
    IReadOnlySet<string>? RefusedRecipients = null,
    int? DropAtMessage = null,
    int? StopAfterAccepted = null,
    CancellationTokenSource? Stop = null)
{
    public static readonly SmtpFaults None = new();

    public IReadOnlySet<string> Refused => RefusedRecipients ?? new HashSet<string>();

    public override string ToString() =>
        $"down {Down}, refused [{string.Join(' ', Refused)}], drop at {DropAtMessage?.ToString() ?? "-"}, stop after {StopAfterAccepted?.ToString() ?? "-"}";
}
