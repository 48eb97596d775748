using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>
/// PagerDuty's Events API v2 as far as Alertmanager's PagerDuty integration uses it: <c>POST /v2/enqueue</c> is
/// recorded and answered <c>202 {"status":"success","message":"Event processed","dedup_key":…}</c>, as PagerDuty
/// does. A small Kestrel app on a free loopback port, so Alertmanager pages it over real HTTP.
/// </summary>
internal sealed class FakePagerDutyEvents : IProcessLog, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<PagerDutyEnqueue> _received = new();

    private FakePagerDutyEvents(WebApplication app) => _app = app;

    public string Name => $"fake PagerDuty Events API {EnqueueUrl}";

    /// <summary>What it received, one line each: what a failing test shows.</summary>
    public string Output => string.Join('\n', _received.Select(e => e.Body)) + "\n";

    /// <summary>The integration key Alertmanager is configured with: any string to this fake.</summary>
    public string RoutingKey { get; } = Secrets.NewToken();

    public Uri EnqueueUrl => new(BaseAddress, "/v2/enqueue");

    /// <summary>The events enqueued so far, oldest first.</summary>
    public IReadOnlyList<PagerDutyEnqueue> Received => [.. _received];

    private Uri BaseAddress =>
        new(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    public static async Task<FakePagerDutyEvents> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Port 0: Kestrel binds a free port itself, so nothing can take it between choosing and binding.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakePagerDutyEvents(app);
        app.MapPost("/v2/enqueue", fake.EnqueueAsync);
        await app.StartAsync(cancellationToken);
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> EnqueueAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (PagerDutyEnqueue.Parse(body) is not { } enqueue)
        {
            return Results.Json(new { status = "invalid event", message = "Event object is invalid" }, statusCode: StatusCodes.Status400BadRequest);
        }

        _received.Enqueue(enqueue);
        return Results.Json(
            new Dictionary<string, string> { ["status"] = "success", ["message"] = "Event processed", ["dedup_key"] = enqueue.DedupKey },
            statusCode: StatusCodes.Status202Accepted);
    }
}

/// <summary>One Events API v2 request: <c>{routing_key, event_action, dedup_key, payload: {summary, …}, …}</c>, and its raw body.</summary>
internal sealed record PagerDutyEnqueue(string RoutingKey, string EventAction, string DedupKey, string Body)
{
    /// <summary>Null unless the body is an object with the three fields every event carries.</summary>
    public static PagerDutyEnqueue? Parse(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && Text(root, "routing_key") is { } routingKey
                && Text(root, "event_action") is { } action
                && Text(root, "dedup_key") is { } dedupKey
                ? new PagerDutyEnqueue(routingKey, action, dedupKey, body)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
