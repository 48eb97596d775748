using Microsoft.Extensions.Options;

namespace IncidentBridge.Api;

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = SecretListValidator.EmptyEntries($"{ApiOptions.Section}:Tokens", options.Tokens).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
