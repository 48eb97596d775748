namespace IncidentBridge.Bench;

/// <summary>
/// The machine is shared (builds and tests of other work run on it too): before each measured run, wait a little
/// for the rest of the machine to be idle, so a run does not start in the middle of someone's compile. Each run
/// still reports the CPU others used while it ran.
/// </summary>
internal static class QuietMachine
{
    /// <summary>Other processes may use this much of one core and the machine still counts as quiet.</summary>
    private const double QuietCores = 0.15;

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <param name="workerPids">The workers under test (several on PostgreSQL): their own CPU does not count as other work.</param>
    public static async Task WaitAsync(IReadOnlyList<int> workerPids, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + MaxWait;
        double others;
        double Workers() => workerPids.Sum(pid => ProcStats.CpuSeconds(pid) ?? 0);
        do
        {
            var (machine0, worker0, own0) = (ProcStats.MachineCpuSeconds().Busy, Workers(), ProcStats.OwnCpuSeconds());
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            others = ProcStats.MachineCpuSeconds().Busy - machine0 - (Workers() - worker0) - (ProcStats.OwnCpuSeconds() - own0);
            if (others <= QuietCores)
            {
                return;
            }
        }
        while (DateTimeOffset.UtcNow < deadline);

        Console.WriteLine($"[bench] the machine is busy with other work ({others:0.00} cores); measuring anyway");
    }
}
