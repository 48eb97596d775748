namespace IncidentBridge.Correlation;

internal sealed class CorrelationOptions
{
    public const string Section = "IncidentBridge:Correlation";

    /// <summary>How long after an incident's last activity an alert with the same correlation-key values still joins it.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A resolved incident whose own alerts (group key or fingerprint) fire again within this is reopened, not duplicated.</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Labels that identify "the same problem" when no group key or fingerprint matches.</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>The keys in effect: configuration arrays merge by index, so the default lives here, not in the initializer.</summary>
    public IReadOnlyList<string> EffectiveKeys => Keys.Count > 0 ? Keys : DefaultKeys;

    public static IReadOnlyList<string> DefaultKeys { get; } = ["service", "cluster"];
}

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
