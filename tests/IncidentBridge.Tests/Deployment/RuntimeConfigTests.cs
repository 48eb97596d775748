using System.Text.Json.Nodes;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The runtime settings the worker's build writes to <c>IncidentBridge.runtimeconfig.json</c>, which `dotnet run`, the
/// image and the bench all start with (the test project copies the worker's file next to its own).
/// </summary>
public sealed class RuntimeConfigTests
{
    private static readonly JsonNode ConfigProperties =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "IncidentBridge.runtimeconfig.json")))!["runtimeOptions"]!["configProperties"]!;

    [Fact]
    public void Worker_runs_server_gc_sized_to_the_application()
    {
        Assert.True((bool)ConfigProperties["System.GC.Server"]!);
        Assert.Null(ConfigProperties["System.GC.DynamicAdaptationMode"]);
        Assert.Null(ConfigProperties["System.GC.HeapCount"]);
    }

    [Fact]
    public void Worker_caps_the_gen0_budget_at_three_times_the_surviving_heap()
    {
        // Permil; DATAS' default is 10,000 (10x), which let a storm's heap reach 78 MiB of dead objects.
        Assert.Equal(3000, (int)ConfigProperties["System.GC.DGen0GrowthMaxFactor"]!);
    }
}
