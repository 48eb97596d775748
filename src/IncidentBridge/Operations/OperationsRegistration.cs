using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;

namespace IncidentBridge.Operations;

internal static class OperationsRegistration
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MetricsRegistry>();
        builder.Services.AddHealthChecks();
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication UseOperations(this WebApplication app)
    {
        // Every error, thrown or plain status, leaves as problem+json.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLogging();
        return app;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
        app.MapMetrics("/metrics", app.Services.GetRequiredService<MetricsRegistry>().Registry);
        return app;
    }
}

internal static class HealthTags
{
    /// <summary>Checks that decide <c>/readyz</c>; <c>/healthz</c> runs none (liveness only).</summary>
    public const string Ready = "ready";
}
