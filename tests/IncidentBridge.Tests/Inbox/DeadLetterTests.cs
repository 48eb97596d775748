using IncidentBridge.Inbox;

namespace IncidentBridge.Tests.Inbox;

/// <summary>Dead letters on both providers: <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.</summary>
public abstract class DeadLetterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly WorkerFactory _worker;

    private protected DeadLetterTests(PostgresServer? postgres) =>
        _worker = new WorkerFactory(postgres.Settings(new Dictionary<string, string?> { ["IncidentBridge:Inbox:MaxAttempts"] = "3" }), _time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Delivery_that_keeps_failing_is_retried_with_back_off_then_dead_lettered_and_kept()
    {
        var api = _worker.CreateApiClient();
        var id = await StorePoisonedDeliveryAsync();

        var dead = await AdvanceUntilAsync(api, id, TimeSpan.FromMinutes(1), d => d.GetProperty("state").GetString() == "dead", "the delivery is dead-lettered");

        Assert.Equal(3, dead.GetProperty("attempts").GetInt64());
        Assert.Contains("InvalidDataException", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var listed = await Deliveries.ListAsync(api, "dead");
        Assert.Equal(id, Assert.Single(listed).GetProperty("deliveryId").GetString());
    }

    [Fact]
    public async Task Failed_delivery_waits_for_its_back_off_before_the_next_attempt()
    {
        var api = _worker.CreateApiClient();
        var id = await StorePoisonedDeliveryAsync();
        var failed = await AdvanceUntilAsync(api, id, TimeSpan.FromMilliseconds(50), d => d.GetProperty("lastError").ValueKind == JsonValueKind.String, "the first attempt failed");
        var retryIn = failed.GetProperty("nextAttemptAt").GetDateTimeOffset() - _time.GetUtcNow();

        await SettleAsync();
        var waiting = await Deliveries.GetAsync(api, id);
        var retried = await AdvanceUntilAsync(api, id, TimeSpan.FromMilliseconds(200), d => d.GetProperty("attempts").GetInt64() == 2, "the second attempt happened");

        Assert.InRange(retryIn, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(2));
        Assert.Equal(1, waiting.GetProperty("attempts").GetInt64());
        Assert.Equal(2, retried.GetProperty("attempts").GetInt64());
    }

    [Fact]
    public async Task Dead_delivery_can_be_put_back_in_line()
    {
        var api = _worker.CreateApiClient();
        var id = await StorePoisonedDeliveryAsync();
        await AdvanceUntilAsync(api, id, TimeSpan.FromMinutes(1), d => d.GetProperty("state").GetString() == "dead", "the delivery is dead-lettered");

        var retry = await api.PostAsync($"/api/deliveries/{id}/retry", null);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var requeued = await retry.JsonAsync();
        Assert.Equal("pending", requeued.GetProperty("state").GetString());
        Assert.Equal(0, requeued.GetProperty("attempts").GetInt64());
    }

    [Fact]
    public async Task Retrying_a_delivery_that_is_not_dead_is_404() =>
        await (await _worker.CreateApiClient().PostAsync("/api/deliveries/nope/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound);

    public sealed class OnSqlite() : DeadLetterTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : DeadLetterTests(postgres);

    /// <summary>A stored body the handler cannot read (as if written by a buggy sender that got past validation).</summary>
    private async Task<string> StorePoisonedDeliveryAsync()
    {
        var id = Guid.CreateVersion7().ToString();
        await using var connection = await _worker.Inbox().OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await InboxStore.InsertInAsync(transaction, id, new IncomingDelivery("alertmanager", "application/json", Encoding.UTF8.GetBytes("{\"version\":\"4\"}"), null, null), _time.GetUtcNow().ToUnixTimeMilliseconds());
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Moves the clock a step at every poll, so the processor's timers fire whenever it is waiting on them.</summary>
    private Task<JsonElement> AdvanceUntilAsync(HttpClient api, string id, TimeSpan step, Func<JsonElement, bool> done, string because) =>
        Eventually.UntilAsync(
            () =>
            {
                _time.Advance(step);
                return Deliveries.GetAsync(api, id);
            },
            done,
            because);

    /// <summary>Gives the processor's loop a moment to act on a time change, if it were going to.</summary>
    private static Task SettleAsync() => Task.Delay(300);
}
