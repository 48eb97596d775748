namespace IncidentBridge.ActionItems;

internal sealed class ActionItemsOptions
{
    public const string Section = "IncidentBridge:ActionItems";

    /// <summary>How often the dispatcher looks for due work when nothing new arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claim on an item lasts. It is renewed before every tracker call, and each call is cut off at
    /// three quarters of it, so no other replica takes the item over while a call is still in flight.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// After a create whose outcome is unknown, how long before a marker search is trusted to be complete: Jira
    /// Cloud's search is eventually consistent, so an empty answer sooner than this may miss the issue just made.
    /// </summary>
    public TimeSpan SearchSettle { get; set; } = TimeSpan.FromMinutes(1);

    public int BatchSize { get; set; } = 20;

    /// <summary>Most action items one postmortem may carry; more is refused with a 400 naming the limit.</summary>
    public int MaxPerPostmortem { get; set; } = 200;

    /// <summary>First retry delay after a tracker outage; doubles per attempt up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>When an issue the tracker refused is tried again (also at every start).</summary>
    public TimeSpan RejectedRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where this worker is reachable, for links in issue bodies (<c>{PublicBaseUrl}/api/incidents/INC-…</c>). Optional.</summary>
    public Uri? PublicBaseUrl { get; set; }
}

internal sealed class ActionItemsOptionsValidator : IValidateOptions<ActionItemsOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionItemsOptions options)
    {
        var failures = new OptionsFailures(ActionItemsOptions.Section);
        failures.Positive(nameof(options.PollInterval), options.PollInterval.TotalMilliseconds);
        failures.Positive(nameof(options.LeaseDuration), options.LeaseDuration.TotalMilliseconds);
        failures.Positive(nameof(options.BatchSize), options.BatchSize);
        failures.Positive(nameof(options.MaxPerPostmortem), options.MaxPerPostmortem);
        failures.Positive(nameof(options.RetryDelay), options.RetryDelay.TotalMilliseconds);
        failures.Positive(nameof(options.RejectedRetryDelay), options.RejectedRetryDelay.TotalMilliseconds);
        if (options.SearchSettle < TimeSpan.Zero)
        {
            failures.Add($"SearchSettle must not be negative (was {options.SearchSettle}).");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"MaxRetryDelay ({options.MaxRetryDelay}) must not be less than RetryDelay ({options.RetryDelay}).");
        }

        if (options.PublicBaseUrl is { IsAbsoluteUri: false })
        {
            failures.Add($"PublicBaseUrl must be an absolute URL (was '{options.PublicBaseUrl}').");
        }

        return failures.Result;
    }
}
