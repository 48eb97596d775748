using IncidentBridge.Api;
using IncidentBridge.FollowUp.Scheduling;
using IncidentBridge.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Quartz;

namespace IncidentBridge.Tests.FollowUp.Scheduling;

/// <summary>
/// A small worker in process: operations, storage, the API and the follow-up job machinery with fake jobs, over
/// TestServer, on a SQLite file of its own. Every host gets its own Quartz scheduler name, because tests run in
/// parallel in one process; a restart passes the previous host's <see cref="Directory"/> and <see cref="SchedulerName"/>.
/// </summary>
internal sealed class JobsHost : IAsyncDisposable
{
    public const string ApiToken = "jobs-api-token";

    private readonly bool _ownsDirectory;

    private JobsHost(WebApplication app, string directory, string schedulerName, bool ownsDirectory)
    {
        App = app;
        Directory = directory;
        SchedulerName = schedulerName;
        _ownsDirectory = ownsDirectory;
    }

    public WebApplication App { get; }

    public string Directory { get; }

    public string SchedulerName { get; }

    public string DatabasePath => DatabaseIn(Directory);

    public static string NewSchedulerName() => $"jobs-test-{Guid.NewGuid():N}";

    private static WebApplication Build(
        IEnumerable<IFollowUpJob> jobs, string directory, string schedulerName, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = directory });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["IncidentBridge:Storage:ConnectionString"] = $"Data Source={DatabaseIn(directory)}",
            ["IncidentBridge:Api:Tokens:0"] = ApiToken,
            ["IncidentBridge:Jobs:SchedulerName"] = schedulerName,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddOperations().AddStorage().AddApi().AddFollowUpJobs();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        foreach (var job in jobs)
        {
            builder.Services.AddSingleton(job);
        }

        var app = builder.Build();
        app.MapOperations();
        app.MapJobsApi();
        return app;
    }

    public static async Task<JobsHost> StartAsync(
        IEnumerable<IFollowUpJob> jobs,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? directory = null,
        string? schedulerName = null,
        TimeProvider? time = null)
    {
        var app = Build(jobs, directory ?? NewDirectory(), schedulerName ?? NewSchedulerName(), settings, time);
        var host = new JobsHost(app, app.Environment.ContentRootPath, app.Configuration["IncidentBridge:Jobs:SchedulerName"] ?? "", ownsDirectory: directory is null);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // Not DisposeAsync: stopping a host that never started could throw over the start's own exception.
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (directory is null)
            {
                TryDelete(host.Directory);
            }

            throw;
        }

        return host;
    }

    /// <summary>
    /// Starts a host on <paramref name="directory"/> until its scheduler runs, then stops it: the schedules it stored
    /// stay there for the next host with the same <paramref name="schedulerName"/>, as across a worker's restart.
    /// </summary>
    public static async Task RunOnceAsync(string directory, string schedulerName, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        await using var host = await StartAsync(Jobs.Fakes(), settings ?? Jobs.QuietCrons(), directory, schedulerName, time);
        await host.RunningSchedulerAsync();
    }

    public HttpClient CreateClient(bool authenticated = true)
    {
        var client = App.GetTestClient();
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", ApiToken);
        }

        return client;
    }

    public ValueTask<IScheduler> SchedulerAsync() => App.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    /// <summary>The scheduler starts once the host has started (Quartz waits for ApplicationStarted): wait for it.</summary>
    public async Task<IScheduler> RunningSchedulerAsync()
    {
        var scheduler = await SchedulerAsync();
        await Eventually.UntilAsync(() => Task.FromResult(scheduler.Status), status => status == SchedulerStatus.Running, "the scheduler runs");
        return scheduler;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (_ownsDirectory)
            {
                TryDelete(Directory);
            }
        }
    }

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "incidentbridge-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless; a failing dispose would hide the test's own result.
        }
    }

    private static string DatabaseIn(string directory) => Path.Combine(directory, "incidentbridge.db");
}
