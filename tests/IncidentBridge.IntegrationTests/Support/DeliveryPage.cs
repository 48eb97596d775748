namespace IncidentBridge.IntegrationTests.Support;

internal sealed record DeliveryPage(IReadOnlyList<DeliverySummary> Items, string? NextCursor);
