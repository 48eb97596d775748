namespace IncidentBridge.IntegrationTests.Support;

/// <summary>
/// A real Prometheus Alertmanager (Debian's <c>prometheus-alertmanager</c>) with one webhook receiver pointed at
/// the worker, and optionally a PagerDuty receiver beside it. Groups by alertname and flushes after 1 s, so a
/// notification follows a posted alert within seconds.
/// </summary>
internal sealed class AlertmanagerProcess : IProcessLog, IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    public const string Receiver = "incidentbridge";
    public const string PagerDutyReceiver = "pagerduty";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;
    private readonly TempDirectory _directory;
    private readonly ITestOutputHelper _testOutput;
    private readonly HttpClient _http;

    private AlertmanagerProcess(ChildProcess process, int port, TempDirectory directory, ITestOutputHelper testOutput)
    {
        _process = process;
        _directory = directory;
        _testOutput = testOutput;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Name => $"alertmanager {_http.BaseAddress}";

    public string Output => _process.Output;

    /// <param name="pagerDuty">Also page this fake PagerDuty through Alertmanager's own PagerDuty integration; null for none.</param>
    public static Task<AlertmanagerProcess> StartAsync(
        Uri webhookUrl, string bearerToken, ITestOutputHelper testOutput, CancellationToken cancellationToken, FakePagerDutyEvents? pagerDuty = null) =>
        StartAsync(Config(webhookUrl, bearerToken, pagerDuty), testOutput, cancellationToken);

    /// <summary>Starts Alertmanager with <paramref name="configYaml"/> as its whole configuration file.</summary>
    public static async Task<AlertmanagerProcess> StartAsync(string configYaml, ITestOutputHelper testOutput, CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            Assert.Fail($"{Binary} is missing: these tests run a real Alertmanager. Install the Debian package prometheus-alertmanager (./build.sh deps does).");
        }

        var directory = TempDirectory.Create("alertmanager");
        var port = FreePort.Next();
        var config = Path.Combine(directory.Path, "alertmanager.yml");
        await File.WriteAllTextAsync(config, configYaml, cancellationToken);

        ChildProcess process;
        try
        {
            process = ChildProcess.Start(
                "alertmanager",
                Binary,
                [
                    $"--config.file={config}",
                    $"--storage.path={Path.Combine(directory.Path, "data")}",
                    $"--web.listen-address=127.0.0.1:{port}",
                    // Empty: no cluster, so no gossip port to collide with parallel tests.
                    "--cluster.listen-address=",
                ],
                directory.Path,
                new Dictionary<string, string?>());
        }
        catch
        {
            directory.Dispose();
            throw;
        }

        var alertmanager = new AlertmanagerProcess(process, port, directory, testOutput);
        try
        {
            await process.WaitUntilReadyAsync(alertmanager._http, "/-/ready", StartTimeout, cancellationToken);
            return alertmanager;
        }
        catch
        {
            await alertmanager.DisposeAsync();
            throw;
        }
    }

    /// <summary>Posts alerts as Prometheus does; an alert whose <c>endsAt</c> has passed resolves it.</summary>
    public async Task PostAlertsAsync(IReadOnlyList<PostableAlert> alerts, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("/api/v2/alerts", alerts, Json.Options, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Alertmanager refused the alerts: {(int)response.StatusCode} {body}\n{Output}");
    }

    /// <summary>Alertmanager's own counter of webhook notifications it tried to send (<paramref name="failed"/>: that failed).</summary>
    public async Task<double> WebhookNotificationsAsync(bool failed, CancellationToken cancellationToken)
    {
        var metric = failed ? "alertmanager_notifications_failed_total" : "alertmanager_notifications_total";
        return (await _http.MetricsAsync(cancellationToken)).Sum(metric, ("integration", "webhook"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
        }
        finally
        {
            _http.Dispose();
            _testOutput.WriteLine($"----- {Name} output -----\n{_process.Output}");
            _directory.Dispose();
        }
    }

    // Alertmanager 0.25 knows neither url_file nor a webhook timeout: keep to what it accepts.
    private static string Config(Uri webhookUrl, string bearerToken, FakePagerDutyEvents? pagerDuty) =>
        $"""
        route:
          receiver: {Receiver}
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        {(pagerDuty is null ? "" : PagingRoutes)}
        receivers:
          - name: {Receiver}
            webhook_configs:
              - url: '{webhookUrl}'
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials: '{bearerToken}'
        {(pagerDuty is null ? "" : PagerDutyReceiverConfig(pagerDuty))}
        """;

    // Sibling routes with the same matchers (none) and group_by have the same group key, so PagerDuty's dedup key
    // (SHA-256 of the paging route's group key) is the hash of the group key the worker receives (docs/PROTOCOLS.md).
    private const string PagingRoutes =
        $"""
          routes:
            - receiver: {PagerDutyReceiver}
              continue: true
            - receiver: {Receiver}
        """;

    private static string PagerDutyReceiverConfig(FakePagerDutyEvents pagerDuty) =>
        $"""
          - name: {PagerDutyReceiver}
            pagerduty_configs:
              - routing_key: '{pagerDuty.RoutingKey}'
                url: '{pagerDuty.EnqueueUrl}'
        """;
}
