using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBridge.FollowUp.Email;

internal static class EmailRegistration
{
    /// <summary>
    /// E-mail options (validated on start) and the <see cref="DigestMailer"/>. Registered even without an SMTP host:
    /// the mailer then reports every digest as not sent, so the digest job still runs and says why. SMTP itself is behind
    /// <see cref="ISmtpSessions"/> (MailKit).
    /// </summary>
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions, EmailOptionsValidator>(EmailOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ISmtpSessions, MailKitSmtpSessions>();
        builder.Services.AddSingleton<DigestMailer>();
        return builder;
    }
}
