namespace IncidentBridge.Operations;

/// <summary>Whether the host watches its configuration files: by default here it does not, unless the operator says so.</summary>
internal static class ConfigWatching
{
    private const string ReloadConfigOnChange = "hostBuilder__reloadConfigOnChange";

    /// <summary>
    /// Turns off the host's watching of appsettings files. Options are read once at start, so a reload would change
    /// nothing, and the watcher covers the whole content root, recursively: with the default <c>data/</c> inside it,
    /// every database write woke a watcher thread (a quarter of the cost of storing a webhook, bench/RESULTS.md §7).
    /// Read before the builder exists, so it is set as the environment variable the host reads first.
    /// </summary>
    public static void OffUnlessSet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_" + ReloadConfigOnChange) is null
            && Environment.GetEnvironmentVariable("ASPNETCORE_" + ReloadConfigOnChange) is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_" + ReloadConfigOnChange, "false");
        }
    }
}
