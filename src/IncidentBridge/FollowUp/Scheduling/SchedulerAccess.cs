using Quartz;

namespace IncidentBridge.FollowUp.Scheduling;

/// <summary>
/// The scheduler, when there is one: with <c>IncidentBridge:Jobs:Enabled=false</c> Quartz is not registered at all,
/// and the API and the health check still need to say so rather than fail to resolve.
/// </summary>
internal sealed class SchedulerAccess(ISchedulerFactory? factory = null)
{
    public bool Enabled => factory is not null;

    public async ValueTask<IScheduler?> GetAsync(CancellationToken cancellationToken) =>
        factory is null ? null : await factory.GetScheduler(cancellationToken);
}
