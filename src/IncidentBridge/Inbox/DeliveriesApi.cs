namespace IncidentBridge.Inbox;

/// <summary><c>/api/deliveries</c>: what arrived, what is waiting, and the dead letters.</summary>
internal static class DeliveriesApi
{
    private const int DefaultLimit = 50;

    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var deliveries = app.MapApi().MapGroup("/deliveries");
        deliveries.MapGet("/", ListAsync);
        deliveries.MapGet("/{id}", GetAsync);
        deliveries.MapPost("/{id}/retry", RetryAsync);
        return app;
    }

    private static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> ListAsync(
        InboxStore store, string? state, string? source, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        state = state is null or "all" ? null : state;
        if (state is not null && !DeliveryState.IsKnown(state))
        {
            return Problems.InvalidField("state", $"state must be pending, done, dead or all (was '{state}').");
        }

        // This list's cursor has always been read as any integer (a sign or spaces too), unlike the later lists'.
        if (Paging.Check<long>(limit, cursor, long.TryParse, out var before) is { } problem)
        {
            return problem;
        }

        var take = limit ?? DefaultLimit;
        var rows = await store.ListAsync(state, source, before, take, cancellationToken);
        return TypedResults.Ok(new DeliveryPage(rows.Select(r => r.ToSummary()).ToList(), Paging.Next(rows, take, r => Paging.WriteSeq(r.Seq))));
    }

    private static async Task<Results<Ok<DeliveryDetail>, ProblemHttpResult>> GetAsync(InboxStore store, string id, CancellationToken cancellationToken)
    {
        var row = await store.GetAsync(id, cancellationToken);
        var body = row is null ? null : await store.GetBodyAsync(id, cancellationToken);
        if (row is null || body is null)
        {
            return Problems.NotFound($"No delivery '{id}'.");
        }

        return TypedResults.Ok(new DeliveryDetail(row.ToSummary(), PayloadOf(body)));
    }

    private static async Task<Results<Ok<DeliverySummary>, ProblemHttpResult>> RetryAsync(InboxStore store, TimeProvider time, string id, CancellationToken cancellationToken)
    {
        var row = await store.RequeueAsync(id, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return row is null ? Problems.NotFound($"No dead delivery '{id}'.") : TypedResults.Ok(row.ToSummary());
    }

    /// <summary>The stored body as JSON when it is JSON, else as text, so an operator can read a dead letter.</summary>
    private static JsonElement PayloadOf(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(body));
        }
    }
}

internal sealed record DeliveryPage(IReadOnlyList<DeliverySummary> Items, string? NextCursor);

internal sealed record DeliveryDetail(DeliverySummary Delivery, JsonElement Payload);

internal sealed record DeliverySummary(
    string DeliveryId,
    string Source,
    string State,
    DateTimeOffset ReceivedAt,
    long Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? ProcessedAt,
    string? EventId,
    string? LastError);
