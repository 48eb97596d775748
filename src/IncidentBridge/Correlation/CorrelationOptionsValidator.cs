using Microsoft.Extensions.Options;

namespace IncidentBridge.Correlation;

internal sealed class CorrelationOptionsValidator : IValidateOptions<CorrelationOptions>
{
    public ValidateOptionsResult Validate(string? name, CorrelationOptions options)
    {
        var failures = new List<string>();
        if (options.Window <= TimeSpan.Zero)
        {
            failures.Add($"{CorrelationOptions.Section}:Window must be positive (was {options.Window}).");
        }

        if (options.ReopenWindow < TimeSpan.Zero)
        {
            failures.Add($"{CorrelationOptions.Section}:ReopenWindow must not be negative (was {options.ReopenWindow}).");
        }

        failures.AddRange(options.Keys
            .Select((key, index) => (key, index))
            .Where(k => string.IsNullOrWhiteSpace(k.key))
            .Select(k => $"{CorrelationOptions.Section}:Keys:{k.index} is empty: name a label."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
