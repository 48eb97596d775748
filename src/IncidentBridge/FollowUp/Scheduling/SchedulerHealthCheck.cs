using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>Part of <c>/readyz</c>: a worker whose scheduler is not running runs no follow-up job on time.</summary>
internal sealed class SchedulerHealthCheck(SchedulerAccess access) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!access.Enabled)
        {
            return HealthCheckResult.Healthy("no scheduler (IncidentBridge:Jobs:Enabled=false): jobs run through the API only");
        }

        try
        {
            var scheduler = await access.GetAsync(cancellationToken);
            return scheduler?.Status == SchedulerStatus.Running
                ? HealthCheckResult.Healthy($"scheduler {scheduler.SchedulerName} running")
                : HealthCheckResult.Unhealthy($"scheduler {scheduler?.SchedulerName} is {scheduler?.Status}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"scheduler unavailable: {ex.Message}");
        }
    }
}
