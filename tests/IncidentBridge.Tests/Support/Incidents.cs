namespace IncidentBridge.Tests.Support;

/// <summary>Drives deliveries one at a time (so order is as written) and reads incidents back through the API.</summary>
internal sealed class IncidentsClient(WorkerFactory worker)
{
    private readonly HttpClient _webhooks = worker.CreateClient();
    private readonly HttpClient _api = worker.CreateApiClient();

    public HttpClient Api => _api;

    public async Task AlertsAsync(string groupKey, params TestAlert[] alerts) =>
        await Deliveries.ProcessedAsync(_api, await (await _webhooks.PostAlertmanagerAsync(TestAlert.Notification(groupKey, alerts))).DeliveryIdAsync());

    public async Task PageAsync(PagerDutyEvent evt) =>
        await Deliveries.ProcessedAsync(_api, await (await _webhooks.PostPagerDutyAsync(evt.ToString())).DeliveryIdAsync());

    /// <summary>All incidents, oldest first, each with its details.</summary>
    public async Task<IReadOnlyList<JsonElement>> AllAsync()
    {
        var list = await (await _api.GetAsync("/api/incidents?status=all&limit=500")).JsonAsync();
        var details = new List<JsonElement>();
        foreach (var item in list.GetProperty("items").EnumerateArray().Reverse())
        {
            details.Add(await GetAsync(item.GetProperty("id").GetString() ?? ""));
        }

        return details;
    }

    public async Task<JsonElement> GetAsync(string id) => await (await _api.GetAsync($"/api/incidents/{id}")).JsonAsync();

    public async Task<JsonElement> SingleAsync() => Assert.Single(await AllAsync());
}
