using IncidentBridge.Api;
using Microsoft.Extensions.Options;

namespace IncidentBridge.Ingest;

/// <summary>The configured webhook credentials, digested once at start.</summary>
internal sealed class WebhookAuthenticators(IOptions<SourcesOptions> options)
{
    public BearerTokens Alertmanager { get; } = new(options.Value.Alertmanager.BearerTokens);

    public PagerDutySignatureVerifier PagerDuty { get; } = new(options.Value.PagerDuty.SigningSecrets);
}
