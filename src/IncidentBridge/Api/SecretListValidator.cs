namespace IncidentBridge.Api;

internal static class SecretListValidator
{
    /// <summary>An empty entry in a token list is almost always a missing environment variable: say which.</summary>
    public static IEnumerable<string> EmptyEntries(string key, IReadOnlyList<string> values) =>
        values.Select((value, index) => (value, index))
            .Where(entry => string.IsNullOrWhiteSpace(entry.value))
            .Select(entry => $"{key}:{entry.index} is empty: remove it or give a value.");
}
