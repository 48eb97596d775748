using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace IncidentBridge.FollowUp.Email;

/// <summary>One rule for "a usable address", shared by the options check (From) and the mailer (each owner).</summary>
internal static class EmailAddresses
{
    /// <summary>
    /// A single mailbox with a domain, optionally with a display name (<c>Name &lt;a@b&gt;</c>). MimeKit on its own
    /// accepts a bare local part and address lists; a relay would refuse the first and the second would mail strangers.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out MailboxAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text)
            || !InternetAddressList.TryParse(text.Trim(), out var list)
            || list.Count != 1
            || list[0] is not MailboxAddress mailbox
            || string.IsNullOrEmpty(mailbox.LocalPart)
            || string.IsNullOrEmpty(mailbox.Domain))
        {
            return false;
        }

        address = mailbox;
        return true;
    }
}
