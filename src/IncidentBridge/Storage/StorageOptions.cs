using Npgsql;

namespace IncidentBridge.Storage;

internal sealed class StorageOptions
{
    public const string Section = "IncidentBridge:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/incidentbridge.db";

    /// <summary>SQLite only: <c>Full</c> survives power loss, <c>Normal</c> survives a process crash.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>How long a writer waits for a locked database before the write fails (and the webhook answers 503).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{StorageOptions.Section}:ConnectionString is empty: give an ADO.NET connection string.");
        }

        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{StorageOptions.Section}:Provider must be Sqlite or Postgres (was {options.Provider}).");
        }
        else if (options.Provider == StorageProvider.Postgres && !string.IsNullOrWhiteSpace(options.ConnectionString)
            && PostgresConnectionProblem(options.ConnectionString) is { } problem)
        {
            failures.Add($"{StorageOptions.Section}:ConnectionString is not a PostgreSQL connection string ({StorageOptions.Section}:Provider=Postgres): {problem}");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{StorageOptions.Section}:BusyTimeout must be positive (was {options.BusyTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Catches the likeliest mistake, switching the provider and keeping the embedded SQLite default, at start rather
    /// than at the first connection. The text of a bad key is Npgsql's, which never repeats a password.
    /// </summary>
    private static string? PostgresConnectionProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host (e.g. Host=db;Database=incidentbridge;Username=incidentbridge;Password=...)." : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}

internal enum SqliteSynchronous
{
    Full,
    Normal,
}
