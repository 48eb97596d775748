namespace IncidentBridge.FollowUp.Email;

/// <summary>Section <c>IncidentBridge:Email</c>: how digests leave the worker.</summary>
internal sealed class EmailOptions
{
    public const string Section = "IncidentBridge:Email";

    public SmtpOptions Smtp { get; set; } = new();

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);
}
