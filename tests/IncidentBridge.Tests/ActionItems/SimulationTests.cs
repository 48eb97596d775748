namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// A fault simulation on worker replicas of its own (<see cref="Replicas"/>): its test runs schedules 1 to
/// <c>schedules</c>, each drawn from its seed alone, so a failure names the seed and <see cref="Schedule"/> replays it.
/// </summary>
public abstract class SimulationTests(int schedules) : IAsyncLifetime
{
    private protected Replicas Replicas { get; private set; } = null!;

    public async Task InitializeAsync() => Replicas = await StartAsync();

    public async Task DisposeAsync() => await Replicas.DisposeAsync();

    private protected abstract Task<Replicas> StartAsync();

    /// <summary>One schedule: everything it does is drawn from a <see cref="Random"/> seeded with <paramref name="seed"/>.</summary>
    private protected abstract Task Schedule(int seed);

    private protected async Task RunSchedulesAsync()
    {
        for (var seed = 1; seed <= schedules; seed++)
        {
            await Schedule(seed);
        }
    }
}
