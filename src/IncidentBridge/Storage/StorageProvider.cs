namespace IncidentBridge.Storage;

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}
