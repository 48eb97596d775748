using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace IncidentBridge.Ingest;

internal static class IngestRegistration
{
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IngestOptions, IngestOptionsValidator>(IngestOptions.Section);
        builder.Services.AddValidatedOptions<SourcesOptions, IngestOptionsValidator>(SourcesOptions.Section);
        builder.Services.AddSingleton<WebhookAuthenticators>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<UnauthenticatedBodyBudgets>();
        builder.Services.AddSingleton<RequestBodyReader>();
        // A sender that trickles its headers holds a connection; Kestrel's own limit is 30 s.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<IngestOptions>>(
            (kestrel, ingest) => kestrel.Limits.RequestHeadersTimeout = ingest.Value.RequestHeadersTimeout);
        return builder;
    }
}
