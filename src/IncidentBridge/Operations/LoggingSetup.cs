using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace IncidentBridge.Operations;

internal static class LoggingSetup
{
    public const string JsonKey = "IncidentBridge:Logging:Json";

    public static WebApplicationBuilder AddLogging(this WebApplicationBuilder builder)
    {
        var json = builder.Configuration.GetValue<bool>(JsonKey);
        // preserveStaticLogger: the static logger stays the bootstrap one (for Log.Fatal in Program), and
        // several hosts in one process (the tests) each get their own.
        builder.Services.AddSerilog((services, logger) => Configure(logger, builder.Configuration, services, json), preserveStaticLogger: true);
        return builder;
    }

    private static void Configure(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services, bool json)
    {
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext();
        if (json)
        {
            logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        }
        else
        {
            logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }
    }

    public static void UseRequestLogging(this WebApplication app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // Probes and scrapes arrive every few seconds: keep them out of the log unless asked.
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/readyz") || context.Request.Path.StartsWithSegments("/metrics") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
        });
}
