namespace IncidentBridge.IntegrationTests.Support;

/// <summary><c>GET /api/deliveries/{id}</c>: the summary and the stored body.</summary>
internal sealed record DeliveryDetail(DeliverySummary Delivery, JsonElement Payload)
{
    public AlertmanagerNotification AlertmanagerPayload() =>
        Payload.Deserialize<AlertmanagerNotification>(Json.Options)
        ?? throw new InvalidDataException($"Delivery {Delivery.DeliveryId} has a null payload.");
}
