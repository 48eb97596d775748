using Microsoft.Extensions.Configuration.Json;

namespace IncidentBridge.Operations;

internal static class ConfigFiles
{
    /// <summary>
    /// Adds <c>config/incidentbridge.json</c> and <c>config/incidentbridge.{Environment}.json</c> (both optional,
    /// relative to the content root) after appsettings and before environment variables and the command
    /// line, so those still override a file.
    /// </summary>
    public static WebApplicationBuilder AddConfigFiles(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var afterAppSettings = sources.Select((source, index) => (source, index))
            .LastOrDefault(s => s.source is JsonConfigurationSource).index + 1;
        string[] files = ["config/incidentbridge.json", $"config/incidentbridge.{builder.Environment.EnvironmentName}.json"];
        foreach (var file in files.Reverse())
        {
            var source = new JsonConfigurationSource { Path = file, Optional = true, ReloadOnChange = false };
            source.ResolveFileProvider();
            source.FileProvider ??= builder.Environment.ContentRootFileProvider;
            sources.Insert(afterAppSettings, source);
        }

        return builder;
    }
}

/// <summary>Whether the host watches its configuration files: by default here it does not, unless the operator says so.</summary>
internal static class ConfigWatching
{
    private const string ReloadConfigOnChange = "hostBuilder__reloadConfigOnChange";

    /// <summary>
    /// Turns off the host's watching of appsettings files. Options are read once at start, so a reload would change
    /// nothing, and the watcher covers the whole content root, recursively: with the default <c>data/</c> inside it,
    /// every database write woke a watcher thread (a quarter of the cost of storing a webhook, in a profile of the ingest
    /// benchmark in <c>bench/</c>). Read before the builder exists, so it is set as the environment variable the host
    /// reads first.
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
