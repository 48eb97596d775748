using IncidentBridge.Incidents;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// The worker on SQLite with a clock the test holds (<see cref="Now"/>), no tracker configured (items are stored and
/// queued), and incidents written straight to storage: for what <c>POST /api/incidents/{id}/postmortem</c> answers.
/// </summary>
internal sealed class IntakeWorker : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly WorkerFactory _worker;
    private readonly HttpClient _api;

    public IntakeWorker()
    {
        Time = new FakeTimeProvider(Now);
        _worker = new WorkerFactory(time: Time);
        _api = _worker.CreateApiClient();
    }

    public FakeTimeProvider Time { get; }

    /// <summary>A resolved incident that started the day before <see cref="Now"/>.</summary>
    public async Task<string> IncidentAsync(string id)
    {
        var database = _worker.Service<IDatabase>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        var at = Now.AddDays(-1).ToUnixTimeMilliseconds();
        await IncidentStore.InsertInAsync(tx, new IncidentRow { Id = id, Title = "Checkout errors", Service = "checkout", Alertname = "CheckoutErrors", Severity = 1, Status = IncidentStatus.Resolved, StartedAt = at, AcknowledgedAt = at, ResolvedAt = at, StatusChangedAt = at, LastActivityAt = at, CorrelationHash = null, Labels = "{}" }, at);
        await tx.CommitAsync();
        return id;
    }

    public Task<HttpResponseMessage> PostMarkdownAsync(string incidentId, string markdown) =>
        _api.PostAsync($"/api/incidents/{incidentId}/postmortem", new StringContent(markdown, Encoding.UTF8, new MediaTypeHeaderValue("text/markdown")));

    public Task<HttpResponseMessage> PostJsonAsync(string incidentId, string json) =>
        _api.PostAsync($"/api/incidents/{incidentId}/postmortem", new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    /// <summary>The <c>201</c> answer's body; fails the test on any other answer, showing it.</summary>
    public static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> GetAsync(string postmortemId) => await (await _api.GetAsync($"/api/postmortems/{postmortemId}")).JsonAsync();

    public static IReadOnlyList<string?> Warnings(JsonElement answer) =>
        answer.GetProperty("warnings").EnumerateArray().Select(warning => warning.GetString()).ToList();

    /// <summary>What a reader of the postmortem sees of each item: what, who, by when, how far along.</summary>
    public static IReadOnlyList<SeenItem> Items(JsonElement answer) =>
        answer.GetProperty("actionItems").EnumerateArray()
            .Select(item => new SeenItem(
                Text(item, "description") ?? "",
                Text(item, "owner") ?? "",
                Text(item, "dueDate"),
                Text(item, "status") ?? "",
                Text(item, "priority") ?? ""))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _worker.DisposeAsync();
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

internal sealed record SeenItem(string Description, string Owner, string? DueDate, string Status, string Priority);
