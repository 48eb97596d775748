using IncidentBridge.Operations;

namespace IncidentBridge.Ingest;

internal static class IngestRegistration
{
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IngestOptions, IngestOptionsValidator>(IngestOptions.Section);
        builder.Services.AddValidatedOptions<SourcesOptions, IngestOptionsValidator>(SourcesOptions.Section);
        builder.Services.AddSingleton<WebhookAuthenticators>();
        builder.Services.AddSingleton<IngestMetrics>();
        return builder;
    }
}
