namespace IncidentBridge.Operations;

internal static class OptionsRegistration
{
    /// <summary>
    /// Binds a section and validates it when the host starts, so bad configuration stops the worker
    /// with a message naming the key instead of failing on the first request.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>
/// What a validator found wrong with its section, each failure naming the key (<c>Section:Key</c>): all of them stop the
/// worker at start together; none is success.
/// </summary>
internal sealed class OptionsFailures(string section)
{
    private readonly List<string> _failures = [];

    /// <summary>"<c>Section:</c><paramref name="failure"/>", the failure starting with its key.</summary>
    public void Add(string failure) => _failures.Add($"{section}:{failure}");

    /// <summary>A count, or a duration in milliseconds, that must be above zero.</summary>
    public void Positive(string key, double value)
    {
        if (value <= 0)
        {
            Add($"{key} must be positive (was {value}).");
        }
    }

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
