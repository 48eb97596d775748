namespace IncidentBridge.Storage;

internal enum SqliteSynchronous
{
    Full,
    Normal,
}
