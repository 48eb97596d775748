using System.Data.Common;
using System.Globalization;
using Dapper;
using IncidentBridge.Inbox;
using Microsoft.Extensions.Hosting;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// On SQLite the inbox is a file of its own: a delivery's work commits in the main file with its processed mark, and its
/// done mark commits in the inbox file after that. Failure model, around and between the two commits:
/// - the done marks refused (a full disk, an I/O error on the inbox file) or never written (a crash or a cancelled
///   batch after the main commit): a trigger on the inbox file refuses the done marks of the deliveries each round's
///   schedule picks, which fails their whole batch after its work committed;
/// - a batch outliving its lease: a handler moves the clock past the lease in the middle of a batch while a second
///   processor claims at the same moment, so it takes deliveries whose work the first has committed or is about to
///   commit, and the first's done marks find the lease gone;
/// - processed marks forgotten at any moment (the retention's loop runs on the same clock, and is also run by hand);
/// - runs of several batches, each claiming the next batch while its own work is written and writing its done marks
///   while the next one's is (<see cref="InboxProcessor.ProcessAsync"/>), so a refusal fails a run with a batch claimed
///   ahead and another batch's done marks under way.
/// Invariants after each schedule: every delivery done and none dead; each delivery's work committed exactly once (a
/// row without any unique key that the handler writes in the processing transaction); one incident per group; each
/// alert state once; and once nothing is pending, every processed mark forgotten.
/// </summary>
public sealed class InboxFileCutTests
{
    private static readonly TimeSpan PastTheLease = TimeSpan.FromSeconds(31);

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Cut_between_the_work_and_its_done_mark_loses_nothing_and_does_nothing_twice(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(T0.AddDays(1));
        var effects = new RecordedEffects(time);
        await using var worker = new WorkerFactory(
            new Dictionary<string, string?>
            {
                ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
                ["IncidentBridge:Inbox:ProcessBatchSize"] = random.Next(1, 7).ToString(CultureInfo.InvariantCulture),
                ["IncidentBridge:Inbox:MaxAttempts"] = "1000",
                ["IncidentBridge:Inbox:LeaseDuration"] = "00:00:30",
            },
            time,
            services: effects.Install);
        var webhooks = worker.CreateClient();
        await using (var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("CREATE TABLE sim_effects (delivery_id TEXT NOT NULL)");
        }

        var (posted, groups, alerts) = await PostAsync(webhooks, random);
        var processors = new[] { worker.Service<InboxProcessor>(), ActivatorUtilities.CreateInstance<InboxProcessor>(worker.Services) };
        var retention = worker.Services.GetServices<IHostedService>().OfType<InboxRetention>().Single();

        for (var round = 0; round < 60; round++)
        {
            var pending = (await worker.DeliveryStatesAsync()).Where(d => d.Value.State == "pending").Select(d => d.Key).ToList();
            if (pending.Count == 0)
            {
                break;
            }

            await RefuseDoneMarksAsync(worker, [.. pending.Where(_ => random.Next(10) < 4)]);
            // The first round always has a batch outlive its lease, with both processors at work.
            effects.MoveClockPastLeaseAt(round == 0 || random.Next(2) == 0 ? random.Next(1, 3) : 0);
            // A run of up to three batches claims the next while one is written, and writes its done marks behind it.
            if (round == 0 || random.Next(2) == 0)
            {
                await Task.WhenAll(processors.Select(p => (Processor: p, Batches: random.Next(1, 4))).ToList().Select(r => TryAsync(() => r.Processor.ProcessAsync(r.Batches, CancellationToken.None))));
            }
            else
            {
                var (processor, batches) = (processors[random.Next(2)], random.Next(1, 4));
                await TryAsync(() => processor.ProcessAsync(batches, CancellationToken.None));
            }

            time.Advance(TimeSpan.FromSeconds(random.Next(0, 40)));
            if (random.Next(3) == 0)
            {
                await retention.ForgetProcessedMarksAsync(CancellationToken.None);
            }
        }

        // Then the faults stop, and what is left is processed.
        await RefuseDoneMarksAsync(worker, []);
        effects.MoveClockPastLeaseAt(0);
        for (var round = 0; round < 100 && (await worker.DeliveryStatesAsync()).Values.Any(d => d.State != "done"); round++)
        {
            await TryAsync(() => processors[0].ProcessBatchAsync(CancellationToken.None));
            time.Advance(PastTheLease);
        }

        time.Advance(TimeSpan.FromMinutes(2));
        await retention.ForgetProcessedMarksAsync(CancellationToken.None);

        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        await using var main = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        var done = (await main.QueryAsync<(string Id, long Times)>("SELECT delivery_id, COUNT(*) FROM sim_effects GROUP BY delivery_id")).ToDictionary(e => e.Id, e => e.Times);
        Assert.Equal(posted.Order(StringComparer.Ordinal), done.Keys.Order(StringComparer.Ordinal));
        Assert.All(done, e => Assert.True(e.Value == 1, $"seed {seed}: delivery {e.Key}'s work committed {e.Value} times"));
        Assert.Equal(groups, (await new IncidentsClient(worker).AllAsync()).Count);
        Assert.Equal(alerts, await worker.CountAsync("alert_events"));
        Assert.Equal(0, await worker.CountAsync("processed_deliveries"));
        Assert.True(effects.MovedClock, $"seed {seed}: no batch outlived its lease");
        Assert.True(effects.Handled > posted.Count, $"seed {seed}: no delivery was handled again after its work committed");
    }

    [Fact]
    public async Task A_run_that_fails_gives_back_the_batch_it_claimed_ahead_and_redoes_nothing()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        var effects = new RecordedEffects(time);
        await using var worker = await StartAsync(time, effects, batchSize: 2);
        var webhooks = worker.CreateClient();
        var posted = new List<string>();
        for (var g = 0; g < 6; g++)
        {
            posted.Add(await (await webhooks.PostAlertmanagerAsync(Notification($"{{}}:{{service=\"svc{g}\"}}", Firing($"f{g}", T0).Service($"svc{g}")))).DeliveryIdAsync());
        }

        // The first batch's done marks are refused: the run learns it while it writes the second batch, with the third claimed.
        await RefuseDoneMarksAsync(worker, [posted[0]]);
        var processor = worker.Service<InboxProcessor>();
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessAsync(3, CancellationToken.None));
        Assert.Contains("refused (simulated)", failed.Message, StringComparison.Ordinal);

        await using (var inbox = await worker.Inbox().OpenAsync(CancellationToken.None))
        {
            var leases = (await inbox.QueryAsync<(string Id, long? LeaseUntil, long Attempts)>("SELECT id, lease_until, attempts FROM deliveries")).ToDictionary(d => d.Id);
            Assert.All(posted[..4], id => Assert.NotNull(leases[id].LeaseUntil));
            Assert.All(posted[4..], id => Assert.Equal((null, 0L), (leases[id].LeaseUntil, leases[id].Attempts)));
        }

        // Given back, the third batch is taken at once; the first two wait for their lease, then are only marked done.
        await RefuseDoneMarksAsync(worker, []);
        Assert.Equal(2, await processor.ProcessAsync(3, CancellationToken.None));
        time.Advance(PastTheLease);
        Assert.Equal(4, await processor.ProcessAsync(3, CancellationToken.None));

        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        await using var main = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(posted.Order(StringComparer.Ordinal), (await main.QueryAsync<string>("SELECT delivery_id FROM sim_effects ORDER BY delivery_id")).ToList());
    }

    [Fact]
    public async Task A_run_takes_a_groups_backlog_past_the_claims_it_made_ahead()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        var effects = new RecordedEffects(time);
        await using var worker = await StartAsync(time, effects, batchSize: 2);
        var webhooks = worker.CreateClient();
        effects.PauseEachBatch();
        for (var n = 0; n < 7; n++)
        {
            await webhooks.PostAlertmanagerAsync(Notification("{}:{service=\"checkout\"}", Firing($"f{n}", T0.AddMinutes(n)).Service("checkout")));
        }

        // Each claim made ahead finds only the group's next deliveries, behind the batch being written: none it may take.
        Assert.Equal(7, await worker.Service<InboxProcessor>().ProcessAsync(int.MaxValue, CancellationToken.None));

        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        Assert.Equal(7, await worker.CountAsync("alert_events"));
    }

    private static async Task<WorkerFactory> StartAsync(FakeTimeProvider time, RecordedEffects effects, int batchSize)
    {
        var worker = new WorkerFactory(
            new Dictionary<string, string?>
            {
                ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
                ["IncidentBridge:Inbox:ProcessBatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
                ["IncidentBridge:Inbox:LeaseDuration"] = "00:00:30",
            },
            time,
            services: effects.Install);
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("CREATE TABLE sim_effects (delivery_id TEXT NOT NULL)");
        return worker;
    }

    /// <summary>Notifications of 3-6 groups, 1-2 each, of 1-3 alerts, in order; returns their ids and how many groups and alerts.</summary>
    private static async Task<(List<string> Posted, int Groups, int Alerts)> PostAsync(HttpClient webhooks, Random random)
    {
        var posted = new List<string>();
        var groups = random.Next(3, 7);
        var alerts = 0;
        for (var g = 0; g < groups; g++)
        {
            for (var notification = random.Next(1, 3); notification > 0; notification--)
            {
                var fingerprints = random.Next(1, 4);
                alerts += fingerprints;
                var body = Notification($"{{}}:{{service=\"svc{g}\"}}", [.. Enumerable.Range(0, fingerprints).Select(f => Firing($"g{g}n{notification}f{f}", T0).Service($"svc{g}"))]);
                posted.Add(await (await webhooks.PostAlertmanagerAsync(body)).DeliveryIdAsync());
            }
        }

        return (posted, groups, alerts);
    }

    /// <summary>A batch that fails is one of the faults: its deliveries wait for their lease, which the clock passes.</summary>
    private static async Task TryAsync(Func<Task<int>> process)
    {
        try
        {
            await process();
        }
        catch (Exception ex) when (ex.Message.Contains("refused (simulated)", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>Until the next call, the inbox file refuses to mark any of <paramref name="ids"/> done.</summary>
    private static Task RefuseDoneMarksAsync(WorkerFactory worker, IReadOnlyCollection<string> ids) =>
        worker.Inbox().RefuseAsync("refuse_done", "UPDATE ON deliveries", "NEW.state = 'done' AND NEW.id", ids, "ABORT, 'refused (simulated)'");

    /// <summary>
    /// Wraps every delivery handler: after the real work, writes a row that repeats if the work is done twice, in the
    /// same transaction; and at the chosen handled delivery of a round, moves the clock past the lease.
    /// </summary>
    private sealed class RecordedEffects(FakeTimeProvider time)
    {
        private int _handled;
        private int _handledInRound;
        private int _moveAt;
        private bool _pause;

        public bool MovedClock { get; private set; }

        /// <summary>How many times a handler ran, committed or not.</summary>
        public int Handled => Volatile.Read(ref _handled);

        public void MoveClockPastLeaseAt(int handled)
        {
            Volatile.Write(ref _handledInRound, 0);
            Volatile.Write(ref _moveAt, handled);
        }

        /// <summary>
        /// Each handler waits a moment (real time) before its work: the claim a run makes ahead, on another thread, is made
        /// while the batch is still pending rather than after its done marks, whichever thread the machine runs first.
        /// </summary>
        public void PauseEachBatch() => _pause = true;

        public void Install(IServiceCollection services) => DeliveryHandlers.Wrap(services, inner => new Recording(inner, this));

        private async Task HandledAsync(ClaimedDelivery delivery, DbTransaction transaction)
        {
            await transaction.Connection!.ExecuteAsync("INSERT INTO sim_effects (delivery_id) VALUES (@Id)", new { delivery.Id }, transaction);
            Interlocked.Increment(ref _handled);
            if (Interlocked.Increment(ref _handledInRound) == Volatile.Read(ref _moveAt))
            {
                time.Advance(PastTheLease);
                MovedClock = true;
            }
        }

        private sealed class Recording(IDeliveryHandler inner, RecordedEffects effects) : IDeliveryHandler
        {
            public string Source => inner.Source;

            public object? Prepare(ClaimedDelivery delivery) => inner.Prepare(delivery);

            public Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken) =>
                HandleAsync(delivery, null, transaction, cancellationToken);

            public async Task HandleAsync(ClaimedDelivery delivery, object? prepared, DbTransaction transaction, CancellationToken cancellationToken)
            {
                if (effects._pause)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                }

                await inner.HandleAsync(delivery, prepared, transaction, cancellationToken);
                await effects.HandledAsync(delivery, transaction);
            }
        }
    }
}
