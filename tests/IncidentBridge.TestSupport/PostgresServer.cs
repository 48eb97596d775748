using System.Diagnostics;
using Npgsql;

namespace IncidentBridge.TestSupport;

/// <summary>
/// A real PostgreSQL server for the tests, from the Debian <c>postgresql</c> package (<c>./build.sh deps</c>): a new
/// cluster in a temp directory (<c>initdb</c>), started on a free loopback port with its socket in that directory,
/// stopped and deleted on dispose. PostgreSQL refuses to run as root, so under root (CI) every command runs as the
/// <c>postgres</c> OS user. Durability is off (<c>fsync=off</c>): it is a test server, unless <see cref="Durable"/>.
/// Each test takes a fresh database of its own (<see cref="CreateDatabase"/>).
/// </summary>
/// <remarks>
/// xunit finds collection definitions only in the test assembly, so each test project declares its own
/// <c>PostgresCollection</c> of this fixture.
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SuperUser = "postgres";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _directory = TempDirectory.Create("postgres");
    private string _bin = "";

    /// <summary>
    /// True: <c>fsync</c>, <c>synchronous_commit</c> and <c>full_page_writes</c> keep PostgreSQL's defaults (on), so a
    /// commit waits for the disk as on a production server (the bench measures that). False, the default: all three
    /// off, as a test server needs no durability and the tests run faster. An init property rather than a constructor
    /// parameter: xunit creates collection fixtures through their one public constructor.
    /// </summary>
    public bool Durable { get; init; }

    public int Port { get; private set; }

    /// <summary>The cluster's files (the bench reports which file system they are on).</summary>
    public string DataDirectory => Path.Combine(_directory.Path, "data");

    /// <summary>The postmaster's process id (the parent of every backend), from <c>postmaster.pid</c>; null when it is not running.</summary>
    public int? ServerProcessId
    {
        get
        {
            var file = Path.Combine(DataDirectory, "postmaster.pid");
            return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
    }

    private string LogFile => Path.Combine(_directory.Path, "server.log");

    private static bool IsRoot => Environment.UserName == "root";

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", _directory.Path], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-locale"], asPostgres: true);
        Port = FreePort.Next();
        var durability = Durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        var options = $"-p {Port} -k {_directory.Path} -c listen_addresses=127.0.0.1{durability} -c max_connections=400";
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", options], asPostgres: true);
        await WaitUntilAcceptingAsync();
    }

    /// <summary>The connection string of a new, empty database on this server.</summary>
    public string CreateDatabase()
    {
        var name = $"t_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = database, Timeout = 10 }.ToString();

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Port != 0)
        {
            // Immediate: nothing on a test server is worth a checkpoint.
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], asPostgres: true, check: false);
        }

        _directory.Dispose();
    }

    private static string FindBinaries()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): the PostgreSQL tests need the Debian package " +
            "'postgresql'. Install it with ./build.sh deps (or apt-get install postgresql).");
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"PostgreSQL did not accept connections on port {Port} within {StartTimeout.TotalSeconds:0} s.\n{ServerLog()}", ex);
            }
            catch (NpgsqlException)
            {
                // Still starting (pg_ctl -w has waited for it already; this covers a slow first connection).
            }

            await Task.Delay(100);
        }
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, bool check = true)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres && IsRoot ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory.Path,
        };
        if (asPostgres && IsRoot)
        {
            foreach (var argument in (string[])["-u", SuperUser, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        // Waits for the command's exit, not for the end of its output: pg_ctl start leaves a server running behind it.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout + TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (check && process.ExitCode != 0)
        {
            string text;
            try
            {
                text = string.Join("\n", await Task.WhenAll(output, error).WaitAsync(TimeSpan.FromSeconds(5)));
            }
            catch (TimeoutException)
            {
                text = "(its output is still open)";
            }

            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}\n{ServerLog()}");
        }
    }

    private string ServerLog() => File.Exists(LogFile) ? $"----- PostgreSQL log -----\n{File.ReadAllText(LogFile)}" : "(no server log)";
}
