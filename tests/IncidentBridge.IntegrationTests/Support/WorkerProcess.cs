using System.Net.Http.Headers;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>
/// The built worker (<c>dotnet IncidentBridge.dll</c>) as a child process on a free loopback port, in its own
/// working directory (so its SQLite file is <see cref="DatabasePath"/>). Pass the directory of an earlier
/// instance to restart on the same data; a directory this class created is deleted on dispose.
/// </summary>
internal sealed class WorkerProcess : IProcessLog, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;
    private readonly TempDirectory? _ownedDirectory;
    private readonly ITestOutputHelper _testOutput;
    private readonly HttpClient _http;
    private readonly HttpClient _api;

    private WorkerProcess(ChildProcess process, int port, string workingDirectory, TempDirectory? ownedDirectory, string apiToken, ITestOutputHelper testOutput)
    {
        _process = process;
        _ownedDirectory = ownedDirectory;
        _testOutput = testOutput;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        WorkingDirectory = workingDirectory;
        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        _api = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        Deliveries = new DeliveriesClient(_api);
    }

    public string Name => $"worker {BaseAddress}";

    public string Output => _process.Output;

    /// <summary>The worker's process id: part of the lease owner it writes on the deliveries it claims.</summary>
    public int ProcessId => _process.Id;

    public Uri BaseAddress { get; }

    public Uri AlertmanagerWebhookUrl => new(BaseAddress, "/webhooks/alertmanager");

    public string WorkingDirectory { get; }

    /// <summary>The worker's default SQLite file, relative to its working directory.</summary>
    public string DatabasePath => Path.Combine(WorkingDirectory, "data", "incidentbridge.db");

    /// <summary>The inbox's own SQLite file, next to <see cref="DatabasePath"/>.</summary>
    public string InboxPath => Path.Combine(WorkingDirectory, "data", "incidentbridge-inbox.db");

    public DeliveriesClient Deliveries { get; }

    /// <summary>Anonymous client for webhooks, probes and <c>/metrics</c>.</summary>
    public HttpClient Http => _http;

    /// <summary>A client for <c>/api/*</c>, with this worker's API token.</summary>
    public HttpClient Api => _api;

    /// <param name="environment">Configuration as environment variables, e.g. <c>IncidentBridge__Inbox__ProcessingEnabled=false</c>.</param>
    /// <param name="workingDirectory">An earlier instance's <see cref="WorkingDirectory"/> to restart on its data; null for a fresh one.</param>
    public static async Task<WorkerProcess> StartAsync(
        IReadOnlyDictionary<string, string> environment, ITestOutputHelper testOutput, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var owned = workingDirectory is null ? TempDirectory.Create("worker") : null;
        var directory = workingDirectory ?? owned?.Path ?? throw new InvalidOperationException("No working directory.");
        var port = FreePort.Next();
        var apiToken = Secrets.NewToken();

        // The test runner's own IncidentBridge settings (if any) must not leak into the worker under test.
        var variables = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(key => key.StartsWith("IncidentBridge", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(key => key, string? (_) => null);
        variables["IncidentBridge__Api__Tokens__0"] = apiToken;
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        ChildProcess process;
        try
        {
            process = ChildProcess.Start(
                "worker", WorkerBinary.DotnetHost, [WorkerBinary.Path, "--urls", $"http://127.0.0.1:{port}"], directory, variables);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }

        var worker = new WorkerProcess(process, port, directory, owned, apiToken, testOutput);
        try
        {
            await process.WaitUntilReadyAsync(worker.Http, "/healthz", StartTimeout, cancellationToken, expectedBody: "Healthy");
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    public async Task<HttpResponseMessage> PostAlertmanagerAsync(string bearerToken, AlertmanagerNotification notification, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager")
        {
            Content = JsonContent.Create(notification, options: Json.Options),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Posts <paramref name="body"/> as a PagerDuty V3 webhook subscription does, signed with <paramref name="signingSecret"/>.</summary>
    public async Task<HttpResponseMessage> PostPagerDutyAsync(string signingSecret, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-PagerDuty-Signature", PagerDutyEvent.Sign(body, signingSecret));
        return await _http.SendAsync(request, cancellationToken);
    }

    public Task<PrometheusText> MetricsAsync(CancellationToken cancellationToken) => _http.MetricsAsync(cancellationToken);

    /// <summary>Hard kill (SIGKILL): a crash, with no graceful shutdown.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM: the graceful stop a service manager asks for; returns the exit code.</summary>
    public Task<int> TerminateAsync() => _process.TerminateAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
        }
        finally
        {
            _http.Dispose();
            _api.Dispose();
            _testOutput.WriteLine($"----- {Name} output -----\n{_process.Output}");
            _ownedDirectory?.Dispose();
        }
    }
}
