using System.Data.Common;
using IncidentBridge.Inbox;

namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// The inbox processor holds the correlation turn (a PostgreSQL advisory lock) from its claim to its commit. When the
/// session holding the turn ends mid-batch, another replica may take the turn and correlate the same alerts: the batch
/// must then commit nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CorrelationTurnTests(PostgresServer postgres)
{
    [Fact]
    public async Task Processor_that_loses_the_correlation_turn_mid_batch_commits_nothing_and_another_holder_takes_the_turn()
    {
        var gate = new GatedHandler();
        var settings = postgres.Settings(new Dictionary<string, string?> { ["IncidentBridge:Inbox:ProcessingEnabled"] = "false" });
        await using var worker = new WorkerFactory(settings, services: s => s.AddSingleton<IDeliveryHandler>(gate));
        worker.CreateClient();
        await worker.Service<InboxWriter>().AcceptAsync(new IncomingDelivery(GatedHandler.Name, "application/json", "{}"u8.ToArray(), null, null), TimeSpan.FromSeconds(10), CancellationToken.None);

        var batch = worker.Service<InboxProcessor>().ProcessBatchAsync(CancellationToken.None);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(20));
        await AdvisoryLockHolders.TerminateAsync(settings["IncidentBridge:Storage:ConnectionString"] ?? "", InboxProcessor.CorrelationTurn);
        gate.Open();
        await batch.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, await worker.CountAsync("deliveries", "state = 'done'"));
        Assert.Equal(1, await worker.CountAsync("deliveries", "state = 'pending'"));
        await using var turn = await worker.Service<IDatabase>().TryLockAsync(InboxProcessor.CorrelationTurn, CancellationToken.None);
        Assert.NotNull(turn);
    }

    /// <summary>A source of the test's own whose handler stops in the middle of the batch until the test opens it.</summary>
    private sealed class GatedHandler : IDeliveryHandler
    {
        public const string Name = "gated-test-source";

        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Source => Name;

        public Task Entered => _entered.Task;

        public void Open() => _open.TrySetResult();

        public async Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            await _open.Task;
        }
    }
}
