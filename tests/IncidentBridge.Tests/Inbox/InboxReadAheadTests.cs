using System.Collections.Concurrent;
using System.Data.Common;
using IncidentBridge.Inbox;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// The processor has a batch's deliveries read (<see cref="IDeliveryHandler.Prepare"/>: parsed) on another thread, a few
/// ahead of the one handled. A delivery is handled with what was read of it and never with another's; one taken again
/// (its transaction done again apart) or whose reading failed is read by its handler in the transaction.
/// </summary>
public sealed class InboxReadAheadTests
{
    [Fact]
    public async Task Each_delivery_is_handled_with_what_was_read_of_it_and_none_with_another_s()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        var reads = new ReadChecks();
        await using var worker = Processing(time, reads);
        var webhooks = worker.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add(await (await webhooks.PostAlertmanagerAsync(Notification($"{{}}:{{service=\"s{i}\"}}", Firing($"f{i}", T0).Service($"s{i}")))).DeliveryIdAsync());
        }

        // Refused at their end, these three roll their transactions back: the deliveries are done again, a savepoint each.
        var refused = new[] { ids[3], ids[11], ids[20] };
        await worker.Service<IDatabase>().RefuseAsync("refuse", "INSERT ON processed_deliveries", "NEW.delivery_id", refused, "ABORT, 'refused (simulated)'");

        await worker.Service<InboxProcessor>().ProcessBatchAsync(CancellationToken.None);

        Assert.Empty(reads.Mismatched);
        Assert.True(reads.WithRead.Count >= 22, $"{reads.WithRead.Count} of 25 deliveries were handled with what was read of them ahead");
        Assert.NotEmpty(reads.WithoutRead); // those taken again after a rollback
        var states = await worker.DeliveryStatesAsync();
        Assert.Equal(refused.Order(), states.Where(s => s.Value.State == "pending").Select(s => s.Key).Order());
        Assert.Equal(22, (await new IncidentsClient(worker).AllAsync()).Count);
    }

    [Fact]
    public async Task A_delivery_whose_reading_ahead_failed_is_read_and_done_in_its_transaction()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        var reads = new ReadChecks();
        await using var worker = Processing(time, reads);
        var webhooks = worker.CreateClient();
        for (var i = 0; i < 12; i++)
        {
            var id = await (await webhooks.PostAlertmanagerAsync(Notification($"{{}}:{{service=\"s{i}\"}}", Firing($"f{i}", T0).Service($"s{i}")))).DeliveryIdAsync();
            if (i == 5)
            {
                reads.FailReading(id);
            }
        }

        await worker.Service<InboxProcessor>().ProcessBatchAsync(CancellationToken.None);

        Assert.Equal(11, reads.WithRead.Count);
        Assert.Single(reads.WithoutRead);
        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        Assert.Equal(12, (await new IncidentsClient(worker).AllAsync()).Count);
    }

    private static WorkerFactory Processing(FakeTimeProvider time, ReadChecks reads) => new(
        new Dictionary<string, string?>
        {
            ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
            ["IncidentBridge:Inbox:ProcessBatchSize"] = "30",
            ["IncidentBridge:Inbox:RetryDelay"] = "00:01:00",
        },
        time,
        services: reads.Install);

    /// <summary>Wraps every delivery handler: what it reads ahead is tagged with its delivery, and checked when handled.</summary>
    private sealed class ReadChecks
    {
        private readonly ConcurrentDictionary<string, bool> _failReading = new();

        public ConcurrentBag<string> WithRead { get; } = [];

        public ConcurrentBag<string> WithoutRead { get; } = [];

        public ConcurrentBag<string> Mismatched { get; } = [];

        public void FailReading(string deliveryId) => _failReading[deliveryId] = true;

        public void Install(IServiceCollection services) => DeliveryHandlers.Wrap(services, inner => new Checked(inner, this));

        private sealed record Read(string DeliveryId, object? Inner);

        private sealed class Checked(IDeliveryHandler inner, ReadChecks checks) : IDeliveryHandler
        {
            public string Source => inner.Source;

            public object? Prepare(ClaimedDelivery delivery) =>
                checks._failReading.ContainsKey(delivery.Id) ? throw new InvalidOperationException("reading failed (simulated)") : new Read(delivery.Id, inner.Prepare(delivery));

            public Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken) =>
                HandleAsync(delivery, null, transaction, cancellationToken);

            public Task HandleAsync(ClaimedDelivery delivery, object? prepared, DbTransaction transaction, CancellationToken cancellationToken)
            {
                if (prepared is Read read && read.DeliveryId != delivery.Id)
                {
                    checks.Mismatched.Add($"{delivery.Id} handled with {read.DeliveryId}'s read");
                }

                (prepared is null ? checks.WithoutRead : checks.WithRead).Add(delivery.Id);
                return inner.HandleAsync(delivery, (prepared as Read)?.Inner, transaction, cancellationToken);
            }
        }
    }
}
