using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// The whole worker in process, over its real HTTP pipeline, with a real SQLite file in a temp dir.
/// Credentials are on by default; pass settings (a null value removes a default) to change any key.
/// </summary>
internal sealed class WorkerFactory : WebApplicationFactory<Program>
{
    public const string AlertmanagerToken = "am-token-current";
    public const string PagerDutySecret = "pd-secret-current";
    public const string GrafanaToken = "grafana-token-current";
    public const string ApiToken = "api-token-1";

    private static readonly string[] RegistrationKeys = ["IncidentBridge:Storage:Provider", "IncidentBridge:Jobs:Enabled"];

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDirectory;
    private readonly ITracker[] _trackers;
    private readonly Action<IServiceCollection>? _services;

    public WorkerFactory(IReadOnlyDictionary<string, string?>? settings = null, FakeTimeProvider? time = null, string? directory = null, Action<IServiceCollection>? services = null, params ITracker[] trackers)
    {
        _trackers = trackers;
        _services = services;
        // A directory given by the caller is the caller's: it outlives this worker (restart tests).
        _ownsDirectory = directory is null;
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "incidentbridge-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Time = time;
        _settings = new Dictionary<string, string?>
        {
            ["IncidentBridge:Storage:ConnectionString"] = $"Data Source={DatabasePath}",
            ["IncidentBridge:Sources:Alertmanager:BearerTokens:0"] = AlertmanagerToken,
            ["IncidentBridge:Sources:PagerDuty:SigningSecrets:0"] = PagerDutySecret,
            ["IncidentBridge:Sources:Grafana:BearerTokens:0"] = GrafanaToken,
            ["IncidentBridge:Api:Tokens:0"] = ApiToken,
            ["IncidentBridge:Inbox:PollInterval"] = "00:00:00.200",
            // The test log is for failures: a worker's routine lines would bury them.
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["IncidentBridge:ActionItems:PollInterval"] = "00:00:00.200",
            // Jobs run when a test asks (POST /api/jobs/{name}/run), not on a cron in the middle of it.
            ["IncidentBridge:Jobs:Enabled"] = "false",
            ["IncidentBridge:ActionItems:RetryDelay"] = "00:00:00.050",
            ["IncidentBridge:ActionItems:MaxRetryDelay"] = "00:00:00.500",
            // A lost create is looked up again after this: long enough for the fakes, short enough for a test.
            ["IncidentBridge:ActionItems:SearchSettle"] = "00:00:00.300",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                _settings.Remove(key);
            }
            else
            {
                _settings[key] = value;
            }
        }
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "incidentbridge.db");

    /// <summary>The inbox's own SQLite file, next to <see cref="DatabasePath"/>.</summary>
    public string InboxPath => Path.Combine(Directory, "incidentbridge-inbox.db");

    public FakeTimeProvider? Time { get; }

    public HttpClient CreateApiClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", ApiToken);
        return client;
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var key in RegistrationKeys)
        {
            if (_settings.GetValueOrDefault(key) is { } value)
            {
                // Read while services are registered (whether there is a scheduler, and its job store), which is before
                // the test's in-memory configuration is added: a host setting reaches the program's builder from the start.
                builder.UseSetting(key, value);
            }
        }

        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services =>
        {
            if (Time is not null)
            {
                services.AddSingleton<TimeProvider>(Time);
            }

            if (_trackers.Length > 0)
            {
                services.RemoveAll<ITracker>();
                foreach (var tracker in _trackers)
                {
                    services.AddSingleton(tracker);
                }
            }

            _services?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless; a failing dispose would hide the test's own result.
        }
    }
}
