namespace IncidentBridge.IntegrationTests.Support;

/// <summary>The 202 body of a webhook.</summary>
internal sealed record DeliveryAccepted(string DeliveryId, bool Duplicate);
