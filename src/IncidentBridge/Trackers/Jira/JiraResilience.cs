using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The outbound pipeline: retry (only what is safe to repeat) → circuit breaker → per-attempt timeout.
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
