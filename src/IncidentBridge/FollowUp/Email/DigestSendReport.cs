namespace IncidentBridge.FollowUp.Email;

/// <summary>One <see cref="DigestDelivery"/> per digest handed to <see cref="DigestMailer"/>, in the same order.</summary>
internal sealed record DigestSendReport(IReadOnlyList<DigestDelivery> Deliveries);
