using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IncidentBridge.Inbox;

internal sealed class InboxHealthCheck(InboxProcessor processor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(processor.Healthy
            ? HealthCheckResult.Healthy("inbox processor running")
            : HealthCheckResult.Unhealthy("the inbox processor's last batch failed"));
}
