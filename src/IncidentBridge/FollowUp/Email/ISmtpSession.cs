using MailKit.Security;
using MimeKit;

namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// The SMTP conversation <see cref="DigestMailRun"/> holds: MailKit's <see cref="MailKit.Net.Smtp.SmtpClient"/> in the
/// worker (<see cref="MailKitSmtpSessions"/>). A seam so that tests can put an in-process server behind it and play
/// hundreds of fault schedules in seconds; the failures it reports are MailKit's own exception types either way.
/// </summary>
internal interface ISmtpSession : IDisposable
{
    bool IsConnected { get; }

    Task ConnectAsync(string host, int port, SecureSocketOptions options, CancellationToken cancellationToken);

    Task AuthenticateAsync(string username, string password, CancellationToken cancellationToken);

    /// <summary>Returns once the server has accepted the message (its 250 to the end of DATA).</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);

    Task DisconnectAsync(CancellationToken cancellationToken);
}

/// <summary>Opens one <see cref="ISmtpSession"/> per digest run.</summary>
internal interface ISmtpSessions
{
    /// <param name="timeout">How long one network operation may take (<c>IncidentBridge:Email:Smtp:Timeout</c>).</param>
    ISmtpSession Create(TimeSpan timeout);
}
