using IncidentBridge.FollowUp;
using IncidentBridge.Postmortems;

namespace IncidentBridge.Reports;

internal static class ReportsApi
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportMetrics>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapApi().MapGet("/reports/metrics", MetricsAsync);
        // The report's figures on /metrics: their gauges exist from the start, so the dashboard has series before any traffic.
        app.ServiceProvider.GetRequiredService<ReportMetrics>();
        return app;
    }

    /// <summary>Incidents that started in [from, to); <c>to</c> defaults to now, <c>from</c> to 30 days before <c>to</c>.</summary>
    private static async Task<Results<Ok<MetricsReport>, ProblemHttpResult>> MetricsAsync(
        IncidentStore store, PostmortemStore postmortems, FollowUpStore followUps, TimeProvider time, string? from, string? to, CancellationToken cancellationToken)
    {
        if (!TryParse(to, out var end) || !TryParse(from, out var start))
        {
            return Problems.InvalidField(TryParse(to, out _) ? "from" : "to", "from and to are ISO 8601 dates or times, e.g. 2026-11-01 or 2026-11-01T00:00:00Z.");
        }

        var until = end ?? time.GetUtcNow();
        var since = start ?? until - DefaultPeriod;
        if (since >= until)
        {
            return Problems.InvalidField("from", $"from ({since:O}) must be before to ({until:O}).");
        }

        var (fromMs, toMs) = (since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
        var incidents = await store.StartedBetweenAsync(fromMs, toMs, cancellationToken);
        var completion = await postmortems.CompletionAsync(fromMs, toMs, cancellationToken);
        var figures = FollowUpFigures.Compute(await followUps.FollowUpRowsAsync(fromMs, toMs, cancellationToken), time.GetUtcNow());
        return TypedResults.Ok(IncidentMetrics.Compute(since, until, incidents, FollowUpRates.From(completion), figures));
    }

    private static bool TryParse(string? value, out DateTimeOffset? parsed)
    {
        parsed = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return false;
        }

        parsed = at;
        return true;
    }
}
