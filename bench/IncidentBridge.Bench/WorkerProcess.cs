using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using IncidentBridge.TestSupport;

namespace IncidentBridge.Bench;

/// <summary>
/// The Release worker (<c>dotnet IncidentBridge.dll</c>) as a child process with its defaults: the embedded SQLite
/// file <c>data/incidentbridge.db</c> under its own working directory, or the PostgreSQL database its environment
/// names (<c>IncidentBridge__Storage__Provider=Postgres</c>). Its output goes to a log file rather than a pipe, so
/// reading it costs the bench nothing and a full pipe can never stall the worker.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private WorkerProcess(Process process, string directory, Uri baseAddress, string apiToken, string logFile, string? postgres)
    {
        _process = process;
        WorkingDirectory = directory;
        PostgresConnectionString = postgres;
        BaseAddress = baseAddress;
        LogFile = logFile;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Api = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
    }

    public int Pid => _process.Id;

    public Uri BaseAddress { get; }

    public string WorkingDirectory { get; }

    public string LogFile { get; }

    /// <summary>The SQLite file, when the worker runs on its default storage.</summary>
    public string DatabasePath => Path.Combine(WorkingDirectory, "data", "incidentbridge.db");

    /// <summary>The inbox's own SQLite file, next to <see cref="DatabasePath"/>.</summary>
    public string InboxPath => Path.Combine(WorkingDirectory, "data", "incidentbridge-inbox.db");

    /// <summary>The database the worker stores in when it runs on PostgreSQL (possibly shared with other workers); null on SQLite.</summary>
    public string? PostgresConnectionString { get; }

    /// <summary>Anonymous: webhooks (which carry their own credentials), <c>/healthz</c>, <c>/metrics</c>.</summary>
    public HttpClient Http { get; }

    /// <summary>With the <c>/api</c> bearer token.</summary>
    public HttpClient Api { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <param name="environment">Configuration as environment variables (<c>IncidentBridge__…</c>).</param>
    public static async Task<WorkerProcess> StartAsync(string workerDll, string directory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var apiToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var logFile = Path.Combine(directory, "worker.log");
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = directory, UseShellExecute = false };
        // exec: the shell becomes the worker, so the pid is the worker's (for /proc and SIGTERM).
        foreach (var argument in new[] { "-c", "exec \"$0\" \"$@\" >>\"$BENCH_WORKER_LOG\" 2>&1", "dotnet", workerDll, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("IncidentBridge", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["BENCH_WORKER_LOG"] = logFile;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["IncidentBridge__Api__Tokens__0"] = apiToken;
        // The allocator setting the image runs with (Dockerfile): two malloc arenas. The GC is the runtime's default, as there.
        start.Environment.Remove("DOTNET_gcServer");
        start.Environment["MALLOC_ARENA_MAX"] = "2";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker.");
        var postgres = environment.GetValueOrDefault("IncidentBridge__Storage__Provider") is { } provider && provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
            ? environment["IncidentBridge__Storage__ConnectionString"]
            : null;
        var worker = new WorkerProcess(process, directory, new Uri($"http://127.0.0.1:{port}"), apiToken, logFile, postgres);
        try
        {
            await worker.WaitUntilHealthyAsync(cancellationToken);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    public async Task<MetricsSnapshot> MetricsAsync(CancellationToken cancellationToken) =>
        new(await Http.MetricsAsync(cancellationToken), DateTimeOffset.UtcNow);

    public long ResidentBytes => ProcStats.ResidentBytes(Pid) ?? 0;

    public long PeakResidentBytes => ProcStats.PeakResidentBytes(Pid) ?? 0;

    public double CpuSeconds => ProcStats.CpuSeconds(Pid) ?? 0;

    /// <summary>SIGTERM, the graceful stop; returns the exit code (SIGKILL and -1 when it does not stop in time).</summary>
    public async Task<int> StopAsync()
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return -1;
        }
    }

    /// <summary>Stops the worker and deletes its database (hundreds of MB after a load), keeping its log.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Http.Dispose();
        Api.Dispose();
        var data = Path.GetDirectoryName(DatabasePath);
        if (data is not null && Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The worker exited with code {_process.ExitCode} before it was healthy; see {LogFile}.");
            }

            try
            {
                using var response = await Http.GetAsync("/healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The worker was not healthy within {StartTimeout.TotalSeconds:0} s; see {LogFile}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
