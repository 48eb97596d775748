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
