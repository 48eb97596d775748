namespace IncidentBridge.Ingest;

internal sealed class SourcesOptions
{
    public const string Section = "IncidentBridge:Sources";

    public AlertmanagerSourceOptions Alertmanager { get; set; } = new();

    public PagerDutySourceOptions PagerDuty { get; set; } = new();
}

internal sealed class AlertmanagerSourceOptions
{
    /// <summary>Accepted bearer tokens (several, for rotation). Empty: the endpoint answers 404.</summary>
    public List<string> BearerTokens { get; set; } = [];
}

internal sealed class PagerDutySourceOptions
{
    /// <summary>Accepted V3 webhook signing secrets (several, for rotation). Empty: the endpoint answers 404.</summary>
    public List<string> SigningSecrets { get; set; } = [];
}
