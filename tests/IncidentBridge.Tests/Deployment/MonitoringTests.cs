using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The chart's Grafana dashboard and Prometheus rules: every metric their PromQL reads is one the running worker
/// exposes on <c>/metrics</c> (scraped after some traffic), so a renamed metric cannot leave a panel or an alert
/// silently empty.
/// </summary>
public sealed partial class MonitoringTests : IAsyncLifetime
{
    private const string Dashboard = "charts/incidentbridge/dashboards/incidentbridge.json";
    private const string Rules = "charts/incidentbridge/rules/incidentbridge.rules.yaml";

    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    private readonly WorkerFactory _worker = new();
    private HashSet<string> _exposed = [];

    public async Task InitializeAsync()
    {
        var webhooks = _worker.CreateClient();
        var api = _worker.CreateApiClient();
        await Deliveries.ProcessedAsync(api, await (await webhooks.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString())).DeliveryIdAsync());
        await Deliveries.ProcessedAsync(api, await (await webhooks.PostGrafanaAsync(GrafanaWebhook.Firing("search").ToString())).DeliveryIdAsync());
        (await api.PostAsync("/api/jobs/status-sync/run", null)).EnsureSuccessStatusCode();
        _exposed = ExposedFamilies(await webhooks.GetStringAsync("/metrics"));
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    public static TheoryData<string> Expressions()
    {
        var data = new TheoryData<string>();
        foreach (var expr in DashboardExpressions().Concat(RuleExpressions()))
        {
            data.Add(expr);
        }

        return data;
    }

    [Fact]
    public void Dashboard_has_the_panels_the_operators_asked_for()
    {
        var titles = Panels().Select(p => p.GetProperty("title").GetString()).ToList();

        Assert.All(
            ["MTTA", "MTTR", "Incidents by severity", "Inbox depth", "Processing lag (p99)", "Action items open, overdue, done", "Completion rate", "Tracker sync errors", "Job runs by outcome"],
            title => Assert.Contains(title, titles));
    }

    [Fact]
    public void Rules_alert_on_dead_letters_a_growing_inbox_sync_failing_and_jobs_not_succeeding()
    {
        var alerts = RuleNodes().Select(r => ((YamlScalarNode)r.Children[new YamlScalarNode("alert")]).Value).ToList();

        Assert.Equal(["IncidentBridgeDeadLetters", "IncidentBridgeInboxGrowing", "IncidentBridgeTrackerSyncFailing", "IncidentBridgeJobFailing", "IncidentBridgeStatusSyncNotRunning"], alerts);
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Every_metric_a_query_reads_is_exposed_by_the_worker(string expr)
    {
        var metrics = MetricNames(expr);

        Assert.NotEmpty(metrics);
        Assert.All(metrics, metric => Assert.True(_exposed.Contains(metric), $"{metric} (in {expr}) is not on the worker's /metrics"));
    }

    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (le, source) (rate(incidentbridge_inbox_processing_lag_seconds_bucket[$__rate_interval])))", "incidentbridge_inbox_processing_lag_seconds_bucket")]
    [InlineData("sum by (state) (max without (instance, pod) (incidentbridge_action_items{state=\"open\"}))", "incidentbridge_action_items")]
    [InlineData("max(a_total) > 0 unless sum by (x) (increase(b[30m])) > 0", "a_total,b")]
    public void Metric_names_are_read_out_of_promql(string expr, string expected) =>
        Assert.Equal(expected.Split(','), MetricNames(expr));

    private static IEnumerable<JsonElement> Panels() =>
        JsonDocument.Parse(RepositoryFiles.Read(Dashboard)).RootElement.GetProperty("panels").EnumerateArray();

    private static IEnumerable<string> DashboardExpressions() =>
        Panels().Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString() ?? "");

    private static IEnumerable<YamlMappingNode> RuleNodes()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(RepositoryFiles.Read(Rules)));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("groups")];
        return groups.Cast<YamlMappingNode>()
            .SelectMany(g => (YamlSequenceNode)g.Children[new YamlScalarNode("rules")])
            .Cast<YamlMappingNode>();
    }

    private static IEnumerable<string> RuleExpressions() =>
        RuleNodes().Select(r => ((YamlScalarNode)r.Children[new YamlScalarNode("expr")]).Value ?? "");

    /// <summary>The metric names of a PromQL expression: identifiers outside strings, label matchers, ranges and grouping lists that are not functions or keywords.</summary>
    private static List<string> MetricNames(string expr)
    {
        var bare = Grouping().Replace(Ranges().Replace(Matchers().Replace(Strings().Replace(expr, "\"\""), ""), ""), "");
        return Identifier().Matches(bare)
            .Where(m => !m.Groups["call"].Success && !Keywords.Contains(m.Groups["name"].Value.ToLowerInvariant()))
            .Select(m => m.Groups["name"].Value)
            .Distinct()
            .ToList();
    }

    /// <summary>The metric families a scrape exposes, with each histogram's and summary's series names (_bucket, _sum, _count).</summary>
    private static HashSet<string> ExposedFamilies(string exposition)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match type in TypeLine().Matches(exposition))
        {
            var name = type.Groups["name"].Value;
            names.Add(name);
            if (type.Groups["type"].Value is "histogram" or "summary")
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }

        return names;
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
