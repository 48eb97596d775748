using MimeKit;

namespace IncidentBridge.FollowUp.Email;

/// <summary>Turns one person's digest into the e-mail: plain text and HTML of the same content (multipart/alternative).</summary>
internal static class DigestComposer
{
    public static MimeMessage Compose(OwnerDigest digest, MailboxAddress from, MailboxAddress to)
    {
        var body = new BodyBuilder
        {
            TextBody = DigestText.Render(digest),
            HtmlBody = DigestHtml.Render(digest),
        };

        var message = new MimeMessage
        {
            Subject = DigestWords.Subject(digest),
            Body = body.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(Named(to, digest.Owner));

        // RFC 3834: tells out-of-office responders and list servers not to answer a machine-sent digest.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    /// <summary>A recipient without a display name gets the owner's, unless the owner is the address itself.</summary>
    private static MailboxAddress Named(MailboxAddress to, string owner) =>
        !string.IsNullOrEmpty(to.Name) || string.Equals(owner, to.Address, StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(owner)
            ? to
            : new MailboxAddress(DigestWords.OneLine(owner), to.Address);
}
