namespace IncidentBridge.Bench;

/// <summary>The no-op ceiling: <c>GET /healthz</c> under the same wrk load.</summary>
internal sealed record CeilingResult(WrkResult WarmUp, WrkResult Load, double WorkerCpuSeconds, double MachineBusyCpuSeconds, double WrkCpuSeconds, double BenchCpuSeconds)
{
    public double OtherCpuSeconds => Math.Max(0, MachineBusyCpuSeconds - WorkerCpuSeconds - WrkCpuSeconds - BenchCpuSeconds);
}
