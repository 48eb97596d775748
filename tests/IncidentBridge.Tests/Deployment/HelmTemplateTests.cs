using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The chart through Helm itself: <c>helm lint</c>, what <c>helm template</c> renders with the default values and the
/// production example, and the values the chart's own checks refuse. Skipped, saying so, where no <c>helm</c> is on
/// PATH: Debian packages none, so CI has none; <see cref="HelmChartTests"/> checks what it can without it.
/// </summary>
public sealed class HelmTemplateTests
{
    private const string Chart = "charts/incidentbridge";
    private const string ProductionExample = "config/values.production.example.yaml";

    [SkippableTheory]
    [InlineData(null)]
    [InlineData(ProductionExample)]
    public async Task Chart_passes_strict_helm_lint(string? values)
    {
        var lint = await Helm.RunAsync(["lint", "--strict", Chart, .. ValuesFile(values)]);

        Assert.True(lint.ExitCode == 0, lint.Output);
    }

    [SkippableFact]
    public async Task Default_values_render_one_replica_on_its_own_volume_claim_without_monitoring()
    {
        var manifests = await RenderAsync();

        Assert.Equal(["ConfigMap", "Deployment", "PersistentVolumeClaim", "Service", "ServiceAccount"], Kinds(manifests));
        Assert.Equal("1", Scalar(Single(manifests, "Deployment"), "spec", "replicas"));
    }

    [SkippableFact]
    public async Task Production_example_renders_three_replicas_a_disruption_budget_and_a_service_monitor_but_no_volume_claim()
    {
        var manifests = await RenderAsync(ProductionExample);

        Assert.Equal(["ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "ServiceAccount", "ServiceMonitor"], Kinds(manifests));
        Assert.Equal("3", Scalar(Single(manifests, "Deployment"), "spec", "replicas"));
        Assert.Equal("2", Scalar(Single(manifests, "PodDisruptionBudget"), "spec", "minAvailable"));
    }

    [SkippableFact]
    public async Task Ingress_dashboard_and_rules_render_when_enabled()
    {
        var manifests = await RenderAsync(sets: "ingress.enabled=true,ingress.className=nginx,grafanaDashboard.enabled=true,prometheusRule.enabled=true");

        Assert.Equal(["ConfigMap", "ConfigMap", "Deployment", "Ingress", "PersistentVolumeClaim", "PrometheusRule", "Service", "ServiceAccount"], Kinds(manifests));
        Assert.Equal("/webhooks/pagerduty", Scalar(((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)Single(manifests, "Ingress")["spec"]["rules"])[0])["http"]["paths"])[0], "path"));
        var dashboard = Assert.Single(manifests, m => Scalar(m, "kind") == "ConfigMap" && Scalar(m, "metadata", "labels", "grafana_dashboard") == "1");
        Assert.Contains("incidentbridge_inbox_depth", Scalar(dashboard, "data", "incidentbridge.json"), StringComparison.Ordinal);
        Assert.NotNull(Scalar(Single(manifests, "PrometheusRule"), "spec", "groups"));
    }

    [SkippableTheory]
    [InlineData("replicaCount=2", "replicaCount 2 needs PostgreSQL")]
    [InlineData("config.IncidentBridge.Storage.Provider=Mysql", "must be Sqlite or Postgres")]
    [InlineData("config.IncidentBridge.Storage.Provider=Postgres", "no connection string is given")]
    [InlineData("secrets.create=true,secrets.existingSecret=mine", "secrets.create and secrets.existingSecret are both set")]
    [InlineData("terminationGracePeriodSeconds=10", "terminationGracePeriodSeconds (10) must be longer")]
    public async Task Helm_refuses_values_the_worker_cannot_run_with(string set, string reason)
    {
        var render = await Helm.RunAsync(["template", "incidentbridge", Chart, "--set", set]);

        Assert.True(render.ExitCode != 0, $"helm template --set {set} rendered:\n{render.Output}");
        Assert.Contains(reason, render.Output, StringComparison.Ordinal);
    }

    private static string[] ValuesFile(string? values) => values is null ? [] : ["-f", values];

    private static async Task<IReadOnlyList<YamlMappingNode>> RenderAsync(string? values = null, string? sets = null)
    {
        var render = await Helm.RunAsync(["template", "incidentbridge", Chart, .. ValuesFile(values), .. sets is null ? Array.Empty<string>() : ["--set", sets]]);
        Assert.True(render.ExitCode == 0, render.Output);
        var stream = new YamlStream();
        stream.Load(new StringReader(render.Standard));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    private static string[] Kinds(IEnumerable<YamlMappingNode> manifests) =>
        [.. manifests.Select(m => Scalar(m, "kind") ?? "").Order(StringComparer.Ordinal)];

    private static YamlMappingNode Single(IEnumerable<YamlMappingNode> manifests, string kind) =>
        Assert.Single(manifests, m => Scalar(m, "kind") == kind);

    private static string? Scalar(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }

            node = child;
        }

        return (node as YamlScalarNode)?.Value;
    }

    /// <summary>The <c>helm</c> on PATH, run from the repository root.</summary>
    private static class Helm
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

        private static readonly Lazy<string?> Located = new(() =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, "helm"))
                .FirstOrDefault(File.Exists));

        /// <summary>Runs helm with <paramref name="arguments"/>; skips the test when there is no helm.</summary>
        public static async Task<HelmRun> RunAsync(IReadOnlyList<string> arguments)
        {
            Skip.If(Located.Value is null, "No helm on PATH (Debian packages none): the helm lint/template checks are skipped; HelmChartTests checks the chart without helm.");
            var start = new ProcessStartInfo(Located.Value ?? "helm")
            {
                WorkingDirectory = RepositoryFiles.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start helm.");
            var standard = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            await process.WaitForExitAsync(timeout.Token);
            return new HelmRun(process.ExitCode, await standard, await error);
        }
    }

    private sealed record HelmRun(int ExitCode, string Standard, string Error)
    {
        public string Output => $"{Standard}\n{Error}";
    }
}
