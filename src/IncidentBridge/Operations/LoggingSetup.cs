using Serilog;
using Serilog.Core;
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
            // Quartz announces its thread pool, job store and every trigger at start: Warning unless asked for
            // (Serilog:MinimumLevel:Override:Quartz=Information).
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext();
        if (json)
        {
            logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        }
        else
        {
            // Plain text is read line by line: a CR/LF in an alert summary or an owner name must not forge a line.
            logger.Enrich.With<ControlCharacterEscaper>();
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

/// <summary>
/// Escapes control characters (CR, LF, tabs, ESC…) in the string values of a log event, as <c>\r</c>, <c>\n</c> or
/// <c>\u001b</c>, so values from webhooks and postmortems cannot forge lines or terminal sequences in plain-text logs.
/// JSON logs need none of this: the formatter escapes them already.
/// </summary>
internal sealed class ControlCharacterEscaper : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties.ToList())
        {
            if (value is ScalarValue { Value: string text } && text.Any(char.IsControl))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(Escape(text))));
            }
        }
    }

    public static string Escape(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
