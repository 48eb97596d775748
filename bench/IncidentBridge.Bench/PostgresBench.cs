using System.Globalization;
using IncidentBridge.TestSupport;
using Npgsql;

namespace IncidentBridge.Bench;

/// <summary>
/// <c>--postgres</c>: the Alertmanager storm of the SQLite runs (same script, warm-up and wait for an empty inbox; no lag probes, see below), on a local
/// PostgreSQL with one worker process, then with two sharing one database: does a second replica add ingest or
/// processing capacity? Each run gets a fresh cluster (the tests' <see cref="PostgresServer"/>, but
/// <see cref="PostgresServer.Durable"/>: fsync, synchronous_commit and full_page_writes at their defaults, so a commit
/// waits for the disk as the SQLite runs' synchronous=FULL does), so the second run inherits no cache, WAL or
/// checkpoint from the first. The workers run on their defaults otherwise.
/// </summary>
internal sealed class PostgresBench(BenchOptions options, Wrk wrk)
{
    private static readonly string[] ShownSettings = ["fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers", "max_wal_size"];

    public async Task<PostgresResults> RunAsync(CancellationToken cancellationToken)
    {
        // wrk gives each thread connections/threads connections, and bench_spread sends thread n to worker n mod 2:
        // an even thread count is what makes the two workers' shares equal.
        if (options.Threads % 2 != 0)
        {
            throw new ArgumentException($"--postgres spreads wrk's threads over two workers: --threads must be even (was {options.Threads}).");
        }

        return new PostgresResults
        {
            OneWorker = await RunAsync(1, warmUpRun: 31, run: 32, cancellationToken),
            TwoWorkers = await RunAsync(2, warmUpRun: 33, run: 34, cancellationToken),
        };
    }

    private async Task<PostgresRun> RunAsync(int count, int warmUpRun, int run, CancellationToken cancellationToken)
    {
        var name = count == 1 ? "PostgreSQL, one worker" : $"PostgreSQL, {count} workers";
        Console.WriteLine($"[bench] {name}: a fresh durable cluster");
        var server = new PostgresServer { Durable = true };
        try
        {
            await server.InitializeAsync();
            var connectionString = server.CreateDatabase();
            var info = await InfoAsync(server, connectionString, cancellationToken);
            var pid = server.ServerProcessId ?? throw new InvalidOperationException("The PostgreSQL server wrote no postmaster.pid.");
            var environment = new Dictionary<string, string>(BenchRun.WorkerEnvironment)
            {
                ["IncidentBridge__Storage__Provider"] = "Postgres",
                ["IncidentBridge__Storage__ConnectionString"] = connectionString,
            };
            var workers = new List<WorkerProcess>();
            var samplers = new List<Sampler>();
            try
            {
                for (var i = 1; i <= count; i++)
                {
                    // One after the other: the second finds the migrations done (they run under an advisory lock anyway).
                    workers.Add(await WorkerProcess.StartAsync(options.WorkerDll, Path.Combine(options.OutDirectory, $"worker-postgres-{count}-{i}"), environment, cancellationToken));
                    samplers.Add(new Sampler(workers[^1]));
                }

                var ingest = new IngestBench(options with { DrainTimeout = options.PostgresDrainTimeout }, wrk, workers, samplers, databaseCpuSeconds: () => ProcStats.ProcessTreeCpuSeconds(pid) ?? 0);
                // No lag probes: here the backlog takes minutes to empty, and the probes' poller then lists up to 500
                // incidents every 25 ms, back to back, through the worker and PostgreSQL: a load of its own on these two
                // cores that slowed the processing it measured. The lag comes from the workers' own histogram instead.
                var result = await ingest.RunAsync(BenchRun.Alertmanager(name, warmUpRun, run) with { ProbeRun = null }, cancellationToken);
                foreach (var sampler in samplers)
                {
                    await sampler.DisposeAsync();
                }

                samplers.Clear();
                var exitCodes = new List<int>();
                foreach (var worker in workers)
                {
                    exitCodes.Add(await worker.StopAsync());
                }

                return new PostgresRun
                {
                    Workers = count,
                    Server = info,
                    Ingest = result,
                    ConnectionsPerWorker = options.Connections / options.Threads * (options.Threads / count),
                    ExitCodes = exitCodes,
                };
            }
            finally
            {
                foreach (var sampler in samplers)
                {
                    await sampler.DisposeAsync();
                }

                foreach (var worker in workers)
                {
                    await worker.DisposeAsync();
                }
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<PostgresServerInfo> InfoAsync(PostgresServer server, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in ShownSettings)
        {
            await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
            settings[setting] = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
        }

        return new PostgresServerInfo(connection.PostgreSqlVersion.ToString(), settings, FileSystem(server.DataDirectory));
    }

    /// <summary>The type and device of the file system that holds <paramref name="path"/>: the mount with the longest matching mount point.</summary>
    private static string FileSystem(string path)
    {
        var mount = File.ReadLines("/proc/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length >= 3 && (path == fields[1] || path.StartsWith(fields[1].TrimEnd('/') + "/", StringComparison.Ordinal)))
            .MaxBy(fields => fields[1].Length);
        return mount is null ? "unknown" : $"{mount[2]} ({mount[0]})";
    }
}
