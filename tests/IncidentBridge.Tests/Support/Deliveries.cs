namespace IncidentBridge.Tests.Support;

/// <summary>Reads the worker's own view of its inbox through <c>/api/deliveries</c>.</summary>
public static class Deliveries
{
    public static async Task<JsonElement> GetAsync(HttpClient api, string deliveryId)
    {
        var response = await api.GetAsync($"/api/deliveries/{deliveryId}");
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("delivery");
    }

    public static async Task<IReadOnlyList<JsonElement>> ListAsync(HttpClient api, string state = "all", int limit = 500)
    {
        var response = await api.GetAsync($"/api/deliveries?state={state}&limit={limit}");
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
    }

    public static Task<JsonElement> ProcessedAsync(HttpClient api, string deliveryId) =>
        Eventually.UntilAsync(() => GetAsync(api, deliveryId), d => d.GetProperty("state").GetString() == "done", $"delivery {deliveryId} is processed");
}
