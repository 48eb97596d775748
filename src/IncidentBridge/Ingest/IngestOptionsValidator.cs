using IncidentBridge.Api;
using Microsoft.Extensions.Options;

namespace IncidentBridge.Ingest;

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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var failures = SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:Alertmanager:BearerTokens", options.Alertmanager.BearerTokens)
            .Concat(SecretListValidator.EmptyEntries($"{SourcesOptions.Section}:PagerDuty:SigningSecrets", options.PagerDuty.SigningSecrets))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
