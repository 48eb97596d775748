using Microsoft.Extensions.Options;

namespace IncidentBridge.ActionItems;

internal sealed class ActionItemsOptionsValidator : IValidateOptions<ActionItemsOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionItemsOptions options)
    {
        var failures = new List<string>();
        void Positive(string key, double value)
        {
            if (value <= 0)
            {
                failures.Add($"{ActionItemsOptions.Section}:{key} must be positive (was {value}).");
            }
        }

        Positive(nameof(options.PollInterval), options.PollInterval.TotalMilliseconds);
        Positive(nameof(options.LeaseDuration), options.LeaseDuration.TotalMilliseconds);
        Positive(nameof(options.BatchSize), options.BatchSize);
        Positive(nameof(options.RetryDelay), options.RetryDelay.TotalMilliseconds);
        Positive(nameof(options.RejectedRetryDelay), options.RejectedRetryDelay.TotalMilliseconds);
        if (options.SearchSettle < TimeSpan.Zero)
        {
            failures.Add($"{ActionItemsOptions.Section}:SearchSettle must not be negative (was {options.SearchSettle}).");
        }
        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{ActionItemsOptions.Section}:MaxRetryDelay ({options.MaxRetryDelay}) must not be less than RetryDelay ({options.RetryDelay}).");
        }

        if (options.PublicBaseUrl is { IsAbsoluteUri: false })
        {
            failures.Add($"{ActionItemsOptions.Section}:PublicBaseUrl must be an absolute URL (was '{options.PublicBaseUrl}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
