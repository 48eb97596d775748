namespace IncidentBridge.IntegrationTests.Support;

/// <summary>The worker's own view of its inbox, through <c>/api/deliveries</c>.</summary>
internal sealed class DeliveriesClient(HttpClient api)
{
    public async Task<IReadOnlyList<DeliverySummary>> ListAsync(string state, string? source, CancellationToken cancellationToken)
    {
        var query = $"/api/deliveries?state={state}&limit=500" + (source is null ? "" : $"&source={source}");
        return (await GetAsync<DeliveryPage>(query, cancellationToken)).Items;
    }

    public Task<DeliveryDetail> GetAsync(string deliveryId, CancellationToken cancellationToken) =>
        GetAsync<DeliveryDetail>($"/api/deliveries/{Uri.EscapeDataString(deliveryId)}", cancellationToken);

    /// <summary>Every processed Alertmanager delivery with the notification it stored, newest first.</summary>
    public async Task<IReadOnlyList<(DeliverySummary Delivery, AlertmanagerNotification Notification)>> ProcessedAlertmanagerNotificationsAsync(CancellationToken cancellationToken)
    {
        var notifications = new List<(DeliverySummary, AlertmanagerNotification)>();
        foreach (var summary in await ListAsync("done", "alertmanager", cancellationToken))
        {
            var detail = await GetAsync(summary.DeliveryId, cancellationToken);
            notifications.Add((detail.Delivery, detail.AlertmanagerPayload()));
        }

        return notifications;
    }

    private async Task<T> GetAsync<T>(string uri, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(uri, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {uri} answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, Json.Options)
            ?? throw new InvalidDataException($"GET {uri} answered null.");
    }
}
