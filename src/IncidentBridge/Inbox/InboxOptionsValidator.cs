using Microsoft.Extensions.Options;

namespace IncidentBridge.Inbox;

internal sealed class InboxOptionsValidator : IValidateOptions<InboxOptions>
{
    public ValidateOptionsResult Validate(string? name, InboxOptions options)
    {
        var failures = new List<string>();
        void Positive(string key, double value)
        {
            if (value <= 0)
            {
                failures.Add($"{InboxOptions.Section}:{key} must be positive (was {value}).");
            }
        }

        Positive(nameof(options.CommitBatchSize), options.CommitBatchSize);
        Positive(nameof(options.ProcessBatchSize), options.ProcessBatchSize);
        Positive(nameof(options.TransactionBudget), options.TransactionBudget.TotalMilliseconds);
        Positive(nameof(options.MaxAttempts), options.MaxAttempts);
        Positive(nameof(options.PollInterval), options.PollInterval.TotalMilliseconds);
        Positive(nameof(options.LeaseDuration), options.LeaseDuration.TotalMilliseconds);
        Positive(nameof(options.RetryDelay), options.RetryDelay.TotalMilliseconds);
        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{InboxOptions.Section}:MaxRetryDelay ({options.MaxRetryDelay}) must not be less than RetryDelay ({options.RetryDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
