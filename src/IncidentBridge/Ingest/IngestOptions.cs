namespace IncidentBridge.Ingest;

internal sealed class IngestOptions
{
    public const string Section = "IncidentBridge:Ingest";

    /// <summary>Largest webhook body accepted; larger ones answer 413. PagerDuty sends up to 55 KB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a webhook waits for its delivery to be committed before it answers 503 (and the sender retries).
    /// Under PagerDuty's 5 s delivery timeout.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(4);
}
