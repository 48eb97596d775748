using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The Dockerfile checked against the repository it builds, since no Docker engine runs where the tests do:
/// what it copies exists and reaches the build context, and what it runs, exposes and probes is what the worker does.
/// </summary>
public sealed partial class DockerfileTests
{
    private readonly IReadOnlyList<DockerfileInstruction> _instructions = DockerfileInstruction.Parse(RepositoryFiles.Read("Dockerfile"));

    private int RuntimeStage => _instructions.Max(i => i.Stage);

    [Fact]
    public void Every_copy_source_exists_in_the_repository()
    {
        var sources = CopySourcesFromContext();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(RepositoryFiles.Exists(source), $"COPY {source}: no such file or directory in the repository."));
    }

    [Fact]
    public void Every_copy_source_reaches_the_build_context()
    {
        var ignore = DockerIgnore.Parse(RepositoryFiles.Read(".dockerignore"));

        Assert.All(CopySourcesFromContext(), source => Assert.False(ignore.Excludes(source), $"COPY {source}: excluded by .dockerignore."));
    }

    [Theory]
    [InlineData("src/IncidentBridge/bin")]
    [InlineData("src/IncidentBridge/obj")]
    [InlineData("tests")]
    [InlineData(".git")]
    [InlineData("data")]
    public void Local_build_output_tests_and_data_stay_out_of_the_build_context(string path)
    {
        // A host obj/project.assets.json copied over the image's own restore breaks `dotnet publish --no-restore`.
        var ignore = DockerIgnore.Parse(RepositoryFiles.Read(".dockerignore"));

        Assert.True(ignore.Excludes(path), $"{path} reaches the build context.");
    }

    [Fact]
    public void Restore_runs_after_copying_every_file_that_shapes_the_package_graph()
    {
        var restore = _instructions.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore >= 0, "The build stage never runs dotnet restore.");
        var copiedBefore = _instructions.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => Sources(i.Arguments)).ToHashSet();

        var shaping = new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", PublishedProject() }
            .Where(RepositoryFiles.Exists);

        Assert.All(shaping, file => Assert.Contains(file, copiedBefore));
    }

    [Fact]
    public void Entrypoint_runs_the_assembly_the_publish_step_builds()
    {
        var project = PublishedProject();
        var assemblyName = XDocument.Parse(RepositoryFiles.Read(project)).Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault()
            ?? Path.GetFileNameWithoutExtension(project);

        var entrypoint = JsonSerializer.Deserialize<string[]>(Single("ENTRYPOINT").Arguments);

        Assert.Equal(new[] { "dotnet", $"{assemblyName}.dll" }, entrypoint);
    }

    [Fact]
    public void Exposed_port_is_the_port_the_worker_listens_on()
    {
        var urls = RuntimeEnvironment()["ASPNETCORE_URLS"];

        Assert.Equal($"http://+:{Single("EXPOSE").Arguments}", urls);
    }

    [Fact]
    public void Healthcheck_asks_the_liveness_endpoint_on_the_listening_port()
    {
        var healthcheck = Single("HEALTHCHECK").Arguments;

        Assert.Contains($"http://127.0.0.1:{Single("EXPOSE").Arguments}/healthz", healthcheck, StringComparison.Ordinal);
        // The command must exist in the runtime image: the aspnet image has no curl of its own.
        Assert.Contains(_instructions, i => i.Stage == RuntimeStage && i.Keyword == "RUN" && i.Arguments.Contains("install", StringComparison.Ordinal) && i.Arguments.Contains("curl", StringComparison.Ordinal));
    }

    [Fact]
    public void Worker_runs_as_the_non_root_app_user()
    {
        var lastUser = _instructions.Last(i => i.Keyword == "USER");

        Assert.Equal(RuntimeStage, lastUser.Stage);
        Assert.Equal("$APP_UID", lastUser.Arguments);
    }

    [Fact]
    public void Data_volume_is_where_the_default_sqlite_file_lives_and_belongs_to_the_worker()
    {
        var defaultConnectionString = JsonDocument.Parse(RepositoryFiles.Read("src/IncidentBridge/appsettings.json"))
            .RootElement.GetProperty("IncidentBridge").GetProperty("Storage").GetProperty("ConnectionString").GetString();
        var dataDirectory = Path.GetDirectoryName(Assert.Single(DataSource().Matches(defaultConnectionString ?? "")).Groups["file"].Value);
        var workdir = _instructions.Last(i => i.Keyword == "WORKDIR").Arguments;
        var volume = $"{workdir}/{dataDirectory}";

        Assert.Equal($"[\"{volume}\"]", Single("VOLUME").Arguments);
        // Owned before VOLUME: Docker discards changes made to a volume path after it is declared.
        var chown = _instructions.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains($"chown \"$APP_UID:$APP_UID\" {volume}", StringComparison.Ordinal));
        Assert.InRange(chown, 0, _instructions.ToList().IndexOf(Single("VOLUME")));
    }

    [Fact]
    public void Image_and_chart_give_the_worker_the_same_graceful_shutdown_budget()
    {
        var shutdownSeconds = int.Parse(RuntimeEnvironment()["DOTNET_shutdownTimeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture);
        var values = YamlPaths.Load(RepositoryFiles.Read("charts/incidentbridge/values.yaml"), "values.yaml");

        Assert.Equal(values.Scalar("shutdownTimeoutSeconds"), shutdownSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private DockerfileInstruction Single(string keyword) => Assert.Single(_instructions, i => i.Keyword == keyword && i.Stage == RuntimeStage);

    /// <summary>The project directory given to <c>dotnet publish</c>, as the path of its project file.</summary>
    private string PublishedProject()
    {
        var publish = Assert.Single(_instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        var directory = PublishTarget().Match(publish.Arguments).Groups["target"].Value.TrimEnd('/');
        var projects = Directory.GetFiles(RepositoryFiles.PathOf(directory), "*.csproj");
        return $"{directory}/{Path.GetFileName(Assert.Single(projects))}";
    }

    private IReadOnlyDictionary<string, string> RuntimeEnvironment() =>
        _instructions.Where(i => i.Keyword == "ENV" && i.Stage == RuntimeStage)
            .SelectMany(i => EnvPair().Matches(i.Arguments))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim('"'), StringComparer.Ordinal);

    private List<string> CopySourcesFromContext() =>
        _instructions.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => Sources(i.Arguments))
            .ToList();

    /// <summary>Every argument of a COPY but the destination, flags (--chown, --link) left out.</summary>
    private static IEnumerable<string> Sources(string arguments)
    {
        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return parts[..^1].Select(p => p.TrimEnd('/'));
    }

    [GeneratedRegex(@"dotnet publish (?<target>\S+)")]
    private static partial Regex PublishTarget();

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex("Data Source=(?<file>[^;]+)")]
    private static partial Regex DataSource();
}
