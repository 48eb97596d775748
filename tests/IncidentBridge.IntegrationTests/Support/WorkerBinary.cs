using System.Reflection;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>Where the built worker is: the ProjectReference copies it next to the tests, else the worker project's own output.</summary>
internal static class WorkerBinary
{
    private const string FileName = "IncidentBridge.dll";
    private static readonly Lazy<string> Located = new(Locate);

    public static string Path => Located.Value;

    /// <summary>The <c>dotnet</c> host running the tests, so the worker runs on the same runtime.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string Locate()
    {
        var candidates = new List<string> { System.IO.Path.Combine(AppContext.BaseDirectory, FileName) };
        var configuration = typeof(WorkerBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "IncidentBridge.sln")))
            {
                candidates.Add(System.IO.Path.Combine(dir.FullName, "src", "IncidentBridge", "bin", configuration, "net10.0", FileName));
                break;
            }
        }

        // runtimeconfig.json is what makes the DLL runnable with `dotnet IncidentBridge.dll`.
        return candidates.FirstOrDefault(dll => File.Exists(dll) && File.Exists(System.IO.Path.ChangeExtension(dll, ".runtimeconfig.json")))
            ?? throw new FileNotFoundException($"The built worker was not found; looked for {string.Join(", ", candidates)}. Build src/IncidentBridge first.");
    }
}
