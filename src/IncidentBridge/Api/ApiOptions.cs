namespace IncidentBridge.Api;

internal sealed class ApiOptions
{
    public const string Section = "IncidentBridge:Api";

    /// <summary>Bearer tokens for <c>/api/*</c>. Empty: the API refuses every call (401).</summary>
    public List<string> Tokens { get; set; } = [];
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = SecretListValidator.EmptyEntries($"{ApiOptions.Section}:Tokens", options.Tokens).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks the token and secret lists of the API and of the webhooks (IncidentBridge:Sources).</summary>
internal static class SecretListValidator
{
    /// <summary>An empty entry in a token list is almost always a missing environment variable: say which.</summary>
    public static IEnumerable<string> EmptyEntries(string key, IReadOnlyList<string> values) =>
        values.Select((value, index) => (value, index))
            .Where(entry => string.IsNullOrWhiteSpace(entry.value))
            .Select(entry => $"{key}:{entry.index} is empty: remove it or give a value.");
}
