using System.Text.RegularExpressions;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The Helm chart checked without Helm (Debian packages none, so CI has none; <see cref="HelmTemplateTests"/> runs it
/// where it is installed): its plain YAML files are well formed, every value a template reads is declared, the
/// production example only sets declared values, and what the chart mounts, probes and waits for matches the image
/// and the worker.
/// </summary>
public sealed partial class HelmChartTests
{
    private const string Chart = "charts/incidentbridge";
    private const string ProductionExample = "config/values.production.example.yaml";

    private static YamlPaths Yaml(string relative) => YamlPaths.Load(RepositoryFiles.Read(relative), relative);

    private static YamlPaths Values => Yaml($"{Chart}/values.yaml");

    private static IEnumerable<string> Templates =>
        Directory.GetFiles(RepositoryFiles.PathOf($"{Chart}/templates"))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".tpl", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal));

    [Theory]
    [InlineData(Chart + "/Chart.yaml")]
    [InlineData(Chart + "/values.yaml")]
    [InlineData(ProductionExample)]
    public void Plain_yaml_file_is_well_formed(string relative)
    {
        var yaml = Yaml(relative);

        Assert.NotEmpty(yaml.Paths);
    }

    [Fact]
    public void Chart_is_an_api_v2_chart_named_after_its_directory_with_versions()
    {
        var chart = Yaml($"{Chart}/Chart.yaml");

        Assert.Equal("v2", chart.Scalar("apiVersion"));
        Assert.Equal(Path.GetFileName(Chart), chart.Scalar("name"));
        Assert.Matches(SemanticVersion(), chart.Scalar("version") ?? "");
        Assert.Matches(SemanticVersion(), chart.Scalar("appVersion") ?? "");
    }

    [Fact]
    public void Every_value_the_templates_read_is_declared_in_values_yaml()
    {
        var values = Values;
        var read = Templates.SelectMany(file => ValuesReference().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Path: m.Groups["path"].Value)))
            .Distinct()
            .ToList();

        Assert.NotEmpty(read);
        Assert.All(read, r => Assert.True(values.Has(r.Path), $"{r.File} reads .Values.{r.Path}, which values.yaml does not declare."));
    }

    [Fact]
    public void Every_file_the_templates_read_is_in_the_chart()
    {
        var read = Templates.SelectMany(file => FilesReference().Matches(File.ReadAllText(file)).Select(m => m.Groups["path"].Value)).Distinct().ToList();

        Assert.Contains("dashboards/incidentbridge.json", read);
        Assert.Contains("rules/incidentbridge.rules.yaml", read);
        Assert.All(read, path => Assert.True(RepositoryFiles.Exists($"{Chart}/{path}"), $"a template reads {path}, which the chart lacks"));
    }

    [Fact]
    public void Production_example_sets_only_values_the_chart_declares()
    {
        var values = Values;
        // Under config is the worker's own configuration, free-form for the chart.
        var set = Yaml(ProductionExample).Paths.Where(path => !path.StartsWith("config.", StringComparison.Ordinal));

        Assert.All(set, path => Assert.True(IsDeclared(values, path), $"{ProductionExample} sets {path}, which the chart does not declare (a typo is silently ignored by Helm)."));
    }

    [Fact]
    public void A_misspelt_value_in_an_override_file_is_caught()
    {
        var values = Values;

        Assert.False(IsDeclared(values, "persistence.enabeld"));
        Assert.True(IsDeclared(values, "metrics.serviceMonitor.labels.release"));
    }

    /// <summary>Declared in values.yaml, or inside a map that values.yaml leaves open (<c>labels: {}</c>).</summary>
    private static bool IsDeclared(YamlPaths values, string path)
    {
        if (values.Has(path))
        {
            return true;
        }

        for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
        {
            if (values.IsOpenMap(path[..dot]))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void Default_values_run_one_sqlite_replica_on_a_persistent_volume() =>
        AssertScalars(Values, ("replicaCount", "1"), ("config.IncidentBridge.Storage.Provider", "Sqlite"), ("persistence.enabled", "true"));

    [Fact]
    public void Production_example_runs_several_replicas_on_postgres_with_an_existing_secret_and_a_service_monitor()
    {
        var example = Yaml(ProductionExample);

        Assert.True(int.Parse(example.Scalar("replicaCount") ?? "1", CultureInfo.InvariantCulture) > 1);
        Assert.Equal("Postgres", example.Scalar("config.IncidentBridge.Storage.Provider"));
        Assert.False(string.IsNullOrEmpty(example.Scalar("secrets.existingSecret")));
        Assert.Equal("true", example.Scalar("metrics.serviceMonitor.enabled"));
        Assert.True(example.Has("resources.requests.memory"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ProductionExample)]
    public void Grace_period_outlasts_the_pre_stop_sleep_and_the_host_shutdown_timeout(string? overrides)
    {
        var defaults = Values;
        var example = overrides is null ? null : Yaml(overrides);
        int Effective(string path) => int.Parse(example?.Scalar(path) ?? defaults.Scalar(path) ?? "", CultureInfo.InvariantCulture);

        Assert.True(
            Effective("terminationGracePeriodSeconds") > Effective("lifecycle.preStopSleepSeconds") + Effective("shutdownTimeoutSeconds"),
            "Kubernetes would kill the worker before its graceful shutdown ends.");
    }

    [Theory]
    [InlineData("startupProbe", "/healthz")]
    [InlineData("livenessProbe", "/healthz")]
    [InlineData("readinessProbe", "/readyz")]
    public void Probe_asks_the_worker_endpoint_made_for_it(string probe, string path)
    {
        var deployment = RepositoryFiles.Read($"{Chart}/templates/deployment.yaml");

        Assert.Matches(new Regex($@"{probe}:\s+httpGet:\s+path: {Regex.Escape(path)}\s+port: http\b"), deployment);
    }

    [Fact]
    public void Container_port_is_the_port_the_image_exposes()
    {
        var exposed = DockerfileInstruction.Parse(RepositoryFiles.Read("Dockerfile")).Last(i => i.Keyword == "EXPOSE").Arguments;
        var deployment = RepositoryFiles.Read($"{Chart}/templates/deployment.yaml");

        Assert.Matches(new Regex($@"- name: http\s+containerPort: {exposed}\b"), deployment);
    }

    [Fact]
    public void Config_file_and_data_volume_are_mounted_where_the_worker_looks_from_the_image_working_directory()
    {
        var image = DockerfileInstruction.Parse(RepositoryFiles.Read("Dockerfile"));
        var workdir = image.Last(i => i.Keyword == "WORKDIR").Arguments;
        var volume = image.Last(i => i.Keyword == "VOLUME").Arguments;
        var deployment = RepositoryFiles.Read($"{Chart}/templates/deployment.yaml");

        // The worker reads config/incidentbridge.json relative to its working directory.
        Assert.Matches(new Regex($@"- name: config\s+mountPath: {Regex.Escape(workdir)}/config\b"), deployment);
        Assert.Matches(new Regex(@"- key: incidentbridge\.json\s+path: incidentbridge\.json"), deployment);
        Assert.Contains($"[\"{workdir}/data\"]", volume, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"- name: data\s+mountPath: {Regex.Escape(workdir)}/data\b"), deployment);
    }

    [Fact]
    public void Pods_run_as_the_image_user_on_a_read_only_root_filesystem()
    {
        AssertScalars(
            Values, ("podSecurityContext.runAsUser", "1654"), ("podSecurityContext.runAsNonRoot", "true"), ("securityContext.readOnlyRootFilesystem", "true"));
        Assert.Matches(new Regex(@"- name: tmp\s+mountPath: /tmp\b"), RepositoryFiles.Read($"{Chart}/templates/deployment.yaml"));
    }

    /// <summary>Compared as (path, value) pairs, so a failure names the path whose value differs.</summary>
    private static void AssertScalars(YamlPaths yaml, params (string Path, string? Value)[] expected) =>
        Assert.Equal(expected, expected.Select(scalar => (scalar.Path, yaml.Scalar(scalar.Path))));

    [GeneratedRegex(@"\.Values\.(?<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();

    [GeneratedRegex(@"\.Files\.Get\s+""(?<path>[^""]+)""")]
    private static partial Regex FilesReference();
}
