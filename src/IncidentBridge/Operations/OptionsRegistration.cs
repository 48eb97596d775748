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
