namespace IncidentBridge.Ingest;

internal enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
}
