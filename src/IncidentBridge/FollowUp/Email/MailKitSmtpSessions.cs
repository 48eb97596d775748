using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace IncidentBridge.FollowUp.Email;

/// <summary>The worker's <see cref="ISmtpSessions"/>: MailKit's SMTP client, one per run (docs/PROTOCOLS.md, "SMTP").</summary>
internal sealed class MailKitSmtpSessions : ISmtpSessions
{
    public ISmtpSession Create(TimeSpan timeout) => new Session(new SmtpClient { Timeout = (int)timeout.TotalMilliseconds });

    private sealed class Session(SmtpClient client) : ISmtpSession
    {
        public bool IsConnected => client.IsConnected;

        public Task ConnectAsync(string host, int port, SecureSocketOptions options, CancellationToken cancellationToken) =>
            client.ConnectAsync(host, port, options, cancellationToken);

        public Task AuthenticateAsync(string username, string password, CancellationToken cancellationToken) =>
            client.AuthenticateAsync(username, password, cancellationToken);

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken) => client.SendAsync(message, cancellationToken);

        public Task DisconnectAsync(CancellationToken cancellationToken) => client.DisconnectAsync(quit: true, cancellationToken);

        public void Dispose() => client.Dispose();
    }
}
