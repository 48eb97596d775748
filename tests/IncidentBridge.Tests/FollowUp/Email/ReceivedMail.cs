using MimeKit;

namespace IncidentBridge.Tests.FollowUp.Email;

/// <summary>A message the test SMTP server accepted: envelope recipients, the client's address:port, and the parsed message.</summary>
internal sealed record ReceivedMail(IReadOnlyList<string> Recipients, string Peer, MimeMessage Message)
{
    public string Text => Message.TextBody ?? string.Empty;

    public string Html => Message.HtmlBody ?? string.Empty;
}
