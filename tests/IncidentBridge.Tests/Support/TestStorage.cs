namespace IncidentBridge.Tests.Support;

/// <summary>
/// The storage a test worker runs on, for tests written once and run on both providers: no server is the
/// default SQLite file in the worker's temp dir; a <see cref="PostgresServer"/> is a fresh database on it.
/// </summary>
internal static class TestStorage
{
    /// <summary><paramref name="settings"/> with the storage keys for <paramref name="postgres"/> added (a test's own keys win).</summary>
    public static Dictionary<string, string?> Settings(this PostgresServer? postgres, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>();
        if (postgres is not null)
        {
            all["IncidentBridge:Storage:Provider"] = "Postgres";
            all["IncidentBridge:Storage:ConnectionString"] = postgres.CreateDatabase();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }
}
