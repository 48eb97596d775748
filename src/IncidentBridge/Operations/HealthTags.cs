namespace IncidentBridge.Operations;

internal static class HealthTags
{
    /// <summary>Checks that decide <c>/readyz</c>; <c>/healthz</c> runs none (liveness only).</summary>
    public const string Ready = "ready";
}
