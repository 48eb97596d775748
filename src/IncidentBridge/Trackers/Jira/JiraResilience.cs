using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The outbound pipeline: retry (only what is safe to repeat, honouring a short <c>Retry-After</c>) → circuit
/// breaker → per-attempt timeout. Below it: reading <c>Retry-After</c>, and counting what the retries sent.
/// </summary>
internal static class JiraResilience
{
    public const string PipelineName = "jira";

    /// <summary>
    /// A longer <c>Retry-After</c> is not waited for in-process: the error goes back to the outbox, which keeps the
    /// work in storage and retries after that time without holding a worker.
    /// </summary>
    public static readonly TimeSpan LongestWaitInProcess = TimeSpan.FromSeconds(10);

    private static readonly HttpRequestOptionsKey<bool> SafeToRepeatKey = new("IncidentBridge.Jira.SafeToRepeat");

    private static readonly HttpRequestOptionsKey<JiraRequestCount> CountKey = new("IncidentBridge.Jira.RequestCount");

    /// <summary>Marks a POST that only reads (a search) as safe to send again.</summary>
    public static void MarkSafeToRepeat(HttpRequestMessage request) => request.Options.Set(SafeToRepeatKey, true);

    /// <summary>Counts how often <paramref name="request"/> is sent, retries included; read it after the send.</summary>
    public static JiraRequestCount Count(HttpRequestMessage request)
    {
        var count = new JiraRequestCount();
        request.Options.Set(CountKey, count);
        return count;
    }

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<JiraOptions>>().Value;
        var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
        if (options.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, time)),
                OnRetry = args =>
                {
                    if (args.Context.GetRequestMessage()?.Options.TryGetValue(CountKey, out var count) == true)
                    {
                        count.Retried();
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            // Jira traffic is light: the default minimum of 100 calls would never open the circuit.
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(60),
            BreakDuration = TimeSpan.FromSeconds(15),
        });
        pipeline.AddTimeout(options.Timeout);
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeProvider time)
    {
        // A create that timed out or got a 5xx may have happened: repeating it here could make a second issue.
        // The outbox retries it after searching for the marker instead.
        if (context.GetRequestMessage() is not { } request || !IsSafeToRepeat(request))
        {
            return false;
        }

        if (context.CancellationToken.IsCancellationRequested || !HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        return outcome.Result?.Headers.RetryAfter is not { } retryAfter || JiraRetryAfter.Delay(retryAfter, time) <= LongestWaitInProcess;
    }

    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get
        || request.Method == HttpMethod.Put
        || (request.Options.TryGetValue(SafeToRepeatKey, out var safe) && safe);
}

/// <summary>The <c>Retry-After</c> Jira sends with a 429 (sometimes a 503); see docs/PROTOCOLS.md, Jira.</summary>
internal static class JiraRetryAfter
{
    /// <summary>How long Jira asked us to wait: <c>Retry-After</c> in seconds or as an HTTP date; null when it did not say.</summary>
    public static TimeSpan? From(HttpResponseMessage response, TimeProvider time) =>
        response.Headers.RetryAfter is { } header ? Delay(header, time) : null;

    public static TimeSpan Delay(RetryConditionHeaderValue header, TimeProvider time)
    {
        if (header.Delta is { } delta)
        {
            return delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return TimeSpan.Zero;
    }
}

/// <summary>
/// How many times one request message went on the wire: once, plus each retry of the resilience handler, which
/// the client cannot otherwise see. Status sync reports it (<see cref="TrackerChanges.Requests"/>).
/// </summary>
internal sealed class JiraRequestCount
{
    private int _retries;

    public int Sent => 1 + Volatile.Read(ref _retries);

    public void Retried() => Interlocked.Increment(ref _retries);
}
