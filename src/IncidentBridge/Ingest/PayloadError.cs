namespace IncidentBridge.Ingest;

/// <summary>What is wrong with a webhook body, and where (<c>alerts[2].labels</c>), for the 400 answer.</summary>
internal sealed record PayloadError(string Field, string Detail);
