namespace IncidentBridge.Inbox;

internal sealed class InboxOptions
{
    public const string Section = "IncidentBridge:Inbox";

    /// <summary>False: this instance only stores deliveries (an ingest-only replica, or processing paused for maintenance).</summary>
    public bool ProcessingEnabled { get; set; } = true;

    /// <summary>Most deliveries committed in one ingest transaction (group commit).</summary>
    public int CommitBatchSize { get; set; } = 256;

    /// <summary>
    /// Most deliveries claimed at once. Larger claims drain a backlog a little faster (each commit writes the pages it
    /// touched once) but hold more in memory: in <c>bench/profile.sh drain</c>, 250 was ~5 % faster than 100 and raised
    /// the peak RSS from ~160 MB to 176-191 MB (500: 214 MB), which the whole bench took over its 200 MB budget.
    /// A worker holds up to two claims: the batch it processes and the next, claimed while it does.
    /// </summary>
    public int ProcessBatchSize { get; set; } = 100;

    /// <summary>
    /// How long one processing transaction may keep working once another writer of the main database (an API call, a job)
    /// waits for the write turn; it then commits and lets the writer in (the claimed batch goes on in the next one).
    /// Webhooks write the inbox's own file on SQLite (<see cref="InboxDatabase"/>) and never wait for it.
    /// </summary>
    public TimeSpan TransactionBudget { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Failed attempts before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How often the processor looks for due retries when nothing new arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim lasts; a crashed worker's claims are taken over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Processed (done) deliveries older than this many days are deleted; dead letters are kept until retried or deleted by hand.</summary>
    public int RetentionDays { get; set; } = 30;
}

internal sealed class InboxOptionsValidator : IValidateOptions<InboxOptions>
{
    public ValidateOptionsResult Validate(string? name, InboxOptions options)
    {
        var failures = new OptionsFailures(InboxOptions.Section);
        failures.Positive(nameof(options.CommitBatchSize), options.CommitBatchSize);
        failures.Positive(nameof(options.ProcessBatchSize), options.ProcessBatchSize);
        failures.Positive(nameof(options.TransactionBudget), options.TransactionBudget.TotalMilliseconds);
        failures.Positive(nameof(options.MaxAttempts), options.MaxAttempts);
        failures.Positive(nameof(options.PollInterval), options.PollInterval.TotalMilliseconds);
        failures.Positive(nameof(options.LeaseDuration), options.LeaseDuration.TotalMilliseconds);
        failures.Positive(nameof(options.RetryDelay), options.RetryDelay.TotalMilliseconds);
        failures.Positive(nameof(options.RetentionDays), options.RetentionDays);
        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"MaxRetryDelay ({options.MaxRetryDelay}) must not be less than RetryDelay ({options.RetryDelay}).");
        }

        return failures.Result;
    }
}
