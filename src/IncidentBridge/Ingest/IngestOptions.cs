namespace IncidentBridge.Ingest;

internal sealed class IngestOptions
{
    public const string Section = "IncidentBridge:Ingest";

    /// <summary>Largest webhook body accepted; larger ones answer 413. PagerDuty promises delivery up to 55 KB (docs/PROTOCOLS.md).</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a webhook waits for its delivery to be committed before it answers 503 (and the sender retries).
    /// Under PagerDuty's 5 s delivery timeout, so PagerDuty hears the 503 rather than giving up on an answer.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Per HMAC-signed source, the most memory its bodies may hold before their signature is checked (a signature
    /// covers the whole body, so it is read first); beyond it a body answers 503 with <c>Retry-After</c>.
    /// </summary>
    public long UnauthenticatedBodyBudgetBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long a body may take to arrive in full; a slower one answers 408 and frees its connection.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a client may take to send its request headers (Kestrel's <c>RequestHeadersTimeout</c>, 30 s by default).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class SourcesOptions
{
    public const string Section = "IncidentBridge:Sources";

    public AlertmanagerSourceOptions Alertmanager { get; set; } = new();

    public PagerDutySourceOptions PagerDuty { get; set; } = new();

    public TrackerSourceOptions Jira { get; set; } = new();

    public TrackerSourceOptions GitHub { get; set; } = new();

    public GrafanaSourceOptions Grafana { get; set; } = new();
}

internal sealed class AlertmanagerSourceOptions
{
    /// <summary>Accepted bearer tokens (several, for rotation). Empty: the endpoint answers 404.</summary>
    public List<string> BearerTokens { get; set; } = [];
}

internal sealed class GrafanaSourceOptions
{
    /// <summary>Accepted bearer tokens of Grafana's webhook contact point (several, for rotation). Empty: the endpoint answers 404.</summary>
    public List<string> BearerTokens { get; set; } = [];
}

internal sealed class PagerDutySourceOptions
{
    /// <summary>Accepted V3 webhook signing secrets (several, for rotation). Empty: the endpoint answers 404.</summary>
    public List<string> SigningSecrets { get; set; } = [];
}

internal sealed class TrackerSourceOptions
{
    /// <summary>Secrets the tracker's webhooks are signed with (several, for rotation). Empty: the endpoint answers 404.</summary>
    public List<string> WebhookSecrets { get; set; } = [];
}

internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>, IValidateOptions<SourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            failures.Add($"{IngestOptions.Section}:MaxBodyBytes must be between 1024 and 67108864 (was {options.MaxBodyBytes}).");
        }

        if (options.StoreTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{IngestOptions.Section}:StoreTimeout must be positive (was {options.StoreTimeout}).");
        }

        if (options.UnauthenticatedBodyBudgetBytes < options.MaxBodyBytes)
        {
            failures.Add($"{IngestOptions.Section}:UnauthenticatedBodyBudgetBytes must be at least MaxBodyBytes ({options.MaxBodyBytes}) (was {options.UnauthenticatedBodyBudgetBytes}).");
        }

        if (options.BodyTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{IngestOptions.Section}:BodyTimeout must be positive (was {options.BodyTimeout}).");
        }

        if (options.RequestHeadersTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{IngestOptions.Section}:RequestHeadersTimeout must be positive (was {options.RequestHeadersTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var failures = SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:Alertmanager:BearerTokens", options.Alertmanager.BearerTokens)
            .Concat(SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:PagerDuty:SigningSecrets", options.PagerDuty.SigningSecrets))
            .Concat(SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:Jira:WebhookSecrets", options.Jira.WebhookSecrets))
            .Concat(SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:GitHub:WebhookSecrets", options.GitHub.WebhookSecrets))
            .Concat(SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:Grafana:BearerTokens", options.Grafana.BearerTokens))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
