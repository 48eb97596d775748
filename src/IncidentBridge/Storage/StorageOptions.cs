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
