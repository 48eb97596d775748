using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Dapper;
using IncidentBridge.Correlation;
using IncidentBridge.Inbox;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// Claims take turns between lanes (Alertmanager routes, other sources), so a backlog in one lane does not hold up
/// another, and keep each order key (a group) in order of arrival: a delivery is claimed only behind the pending
/// deliveries of its key stored before it.
/// </summary>
public sealed class InboxLaneTests
{
    private const string Payments = "{}/{team=\"payments\"}";

    [Fact]
    public async Task A_notification_of_a_quiet_route_passes_the_backlog_of_a_storming_one()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = new WorkerFactory(
            new Dictionary<string, string?> { ["IncidentBridge:Inbox:ProcessingEnabled"] = "false", ["IncidentBridge:Inbox:ProcessBatchSize"] = "10" }, time);
        var webhooks = worker.CreateClient();
        for (var i = 0; i < 40; i++)
        {
            await webhooks.PostAlertmanagerAsync(Notification($"{Payments}:{{service=\"storm{i}\"}}", Firing($"s{i}", T0).Service($"storm{i}")));
        }

        var quiet = await (await webhooks.PostAlertmanagerAsync(Notification("{}:{service=\"checkout\"}", Firing("q1", T0)))).DeliveryIdAsync();

        await worker.Service<InboxProcessor>().ProcessBatchAsync(CancellationToken.None);

        var states = await worker.DeliveryStatesAsync();
        Assert.Equal("done", states[quiet].State);
        Assert.Equal(10, states.Values.Count(d => d.State == "done"));
    }

    [Fact]
    public async Task Failed_delivery_holds_back_its_group_and_not_another_group_of_its_shard()
    {
        const string checkout = "{}:{service=\"checkout\"}";
        var billing = Enumerable.Range(0, 10_000).Select(n => $"{{}}:{{service=\"billing{n}\"}}").First(key => key != checkout && ShardOf(key) == ShardOf(checkout));
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = RetryingAfterAMinute(time);
        var webhooks = worker.CreateClient();
        var firing = await (await webhooks.PostAlertmanagerAsync(Notification(checkout, Firing("a1", T0)))).DeliveryIdAsync();
        var resolved = await (await webhooks.PostAlertmanagerAsync(Notification(checkout, Firing("a1", T0).Resolved(T0.AddMinutes(5))))).DeliveryIdAsync();
        var other = await (await webhooks.PostAlertmanagerAsync(Notification(billing, Firing("c1", T0).Service("billing")))).DeliveryIdAsync();
        var otherLater = await (await webhooks.PostAlertmanagerAsync(Notification(billing, Firing("c2", T0).Service("billing")))).DeliveryIdAsync();
        // The claim after the refusal finds the billing group's later notification; the checkout group waits for its retry.
        var whileWaiting = await ProcessWithFirstAttemptRefusedAsync(worker, time, firing);

        Assert.Equal(("pending", 1), whileWaiting[firing]);
        Assert.Equal(("pending", 0), whileWaiting[resolved]);
        Assert.Equal("done", whileWaiting[other].State);
        Assert.Equal("done", whileWaiting[otherLater].State);
        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        var incident = (await new IncidentsClient(worker).AllAsync()).Single(i => i.GetProperty("service").GetString() == "checkout");
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_group_s_deliveries_stored_before_the_upgrade_stay_ahead_of_its_new_ones()
    {
        const string checkout = "{}:{service=\"checkout\"}";
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = RetryingAfterAMinute(time);
        var webhooks = worker.CreateClient();
        var firing = await (await webhooks.PostAlertmanagerAsync(Notification(checkout, Firing("a1", T0)))).DeliveryIdAsync();
        // As an older version stored it (or moved it from the main file): no order hash, lane 0, its shard.
        await using (var connection = await worker.Inbox().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE deliveries SET order_hash = NULL, lane = 0 WHERE id = @Id", new { Id = firing });
        }

        var resolved = await (await webhooks.PostAlertmanagerAsync(Notification(checkout, Firing("a1", T0).Resolved(T0.AddMinutes(5))))).DeliveryIdAsync();
        var whileWaiting = await ProcessWithFirstAttemptRefusedAsync(worker, time, firing);

        Assert.Equal(("pending", 0), whileWaiting[resolved]);
        var incident = Assert.Single(await new IncidentsClient(worker).AllAsync());
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
    }

    /// <summary>
    /// Failure model: notifications of 2-4 routes, 2-6 groups each, 1-4 notifications per group, keep arriving between
    /// claims, in an order the seed shuffles; claims of 1-8; the processing of deliveries the schedule picks is refused
    /// (a full disk at its end) for 1-2 attempts, so they wait for a retry while later ones of their group, and of other
    /// groups, are due; two processors claim at once; the clock jumps past retries at random. Invariants after each
    /// schedule: every delivery done and none dead, each delivery's work committed once, and each group's work committed
    /// in the order its notifications arrived.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Randomised_arrivals_and_refusals_keep_every_group_in_order(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = new WorkerFactory(
            new Dictionary<string, string?>
            {
                ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
                ["IncidentBridge:Inbox:ProcessBatchSize"] = random.Next(1, 9).ToString(CultureInfo.InvariantCulture),
                ["IncidentBridge:Inbox:MaxAttempts"] = "50",
                ["IncidentBridge:Inbox:RetryDelay"] = "00:00:10",
                ["IncidentBridge:Inbox:MaxRetryDelay"] = "00:00:10",
            },
            time,
            services: RecordedWork.Install);
        await using (var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("CREATE TABLE sim_work (n INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL)");
        }

        // Each group's notifications, to be posted in a shuffled order that keeps each group's own order.
        var queue = new List<(string GroupKey, string Service)>();
        var routes = random.Next(2, 5);
        for (var route = 0; route < routes; route++)
        {
            for (var group = random.Next(2, 7); group > 0; group--)
            {
                queue.AddRange(Enumerable.Repeat(($"{{}}/{{team=\"t{route}\"}}:{{service=\"r{route}g{group}\"}}", $"r{route}g{group}"), random.Next(1, 5)));
            }
        }

        random.Shuffle(CollectionsMarshal.AsSpan(queue));
        var webhooks = worker.CreateClient();
        var groupOf = new Dictionary<string, string>();
        var posted = new List<string>();
        var refusedAttempts = new Dictionary<string, int>();
        var processors = new[] { worker.Service<InboxProcessor>(), ActivatorUtilities.CreateInstance<InboxProcessor>(worker.Services) };
        var next = 0;
        for (var round = 0; round < 300; round++)
        {
            for (var arriving = random.Next(0, 4); arriving > 0 && next < queue.Count; arriving--, next++)
            {
                var (groupKey, service) = queue[next];
                var id = await (await webhooks.PostAlertmanagerAsync(Notification(groupKey, Firing($"{service}-{next}", T0).Service(service)))).DeliveryIdAsync();
                groupOf[id] = groupKey;
                posted.Add(id);
                if (random.Next(3) == 0)
                {
                    refusedAttempts[id] = random.Next(1, 3);
                }
            }

            var states = await worker.DeliveryStatesAsync();
            if (next == queue.Count && states.Values.All(d => d.State != "pending"))
            {
                break;
            }

            // The attempt a claim is about to make is the one after those made: refused while it is one of the first N.
            await RefuseProcessingAsync(worker, [.. refusedAttempts.Where(r => states[r.Key].Attempts < r.Value).Select(r => r.Key)]);
            if (random.Next(3) == 0)
            {
                await Task.WhenAll(processors.Select(p => (Processor: p, Batches: random.Next(1, 4))).ToList().Select(r => r.Processor.ProcessAsync(r.Batches, CancellationToken.None)));
            }
            else
            {
                var (processor, batches) = (processors[random.Next(2)], random.Next(1, 4));
                await processor.ProcessAsync(batches, CancellationToken.None);
            }

            time.Advance(TimeSpan.FromSeconds(random.Next(0, 12)));
        }

        Assert.Equal(queue.Count, posted.Count);
        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        await using var main = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        var work = (await main.QueryAsync<string>("SELECT delivery_id FROM sim_work ORDER BY n")).ToList();
        Assert.Equal(posted.Order(StringComparer.Ordinal), work.Order(StringComparer.Ordinal));
        foreach (var group in posted.GroupBy(id => groupOf[id]))
        {
            Assert.True(
                group.SequenceEqual(work.Where(id => groupOf[id] == group.Key)),
                $"seed {seed}: group {group.Key} was worked in the order {string.Join(", ", work.Where(id => groupOf[id] == group.Key).Select(id => posted.IndexOf(id)))}");
        }
    }

    [Fact]
    public async Task Processed_marks_are_forgotten_past_a_backlog_that_newer_deliveries_passed()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Inbox:ProcessingEnabled"] = "false" }, time);
        worker.CreateClient();
        // More pending deliveries between two marks than one statement can name (SQLite: 32,766 parameters); one of them
        // has a mark, its done mark lost.
        await using (var inbox = await worker.Inbox().OpenAsync(CancellationToken.None))
        await using (var tx = await inbox.BeginTransactionAsync())
        {
            await inbox.ExecuteAsync(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 33000)
                INSERT INTO deliveries (id, source, received_at, content_type, state, next_attempt_at)
                SELECT printf('m%05d', i), 'alertmanager', 0, 'application/json', 'pending', 0 FROM n
                """,
                transaction: tx);
            await inbox.ExecuteAsync("INSERT INTO deliveries (id, source, received_at, content_type, state, next_attempt_at) VALUES ('a', 'alertmanager', 0, 'application/json', 'done', 0), ('z', 'alertmanager', 0, 'application/json', 'done', 0)", transaction: tx);
            await tx.CommitAsync();
        }

        await using (var main = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None))
        {
            // 'b': its delivery deleted by retention (done ones only), so forgotten too.
            await main.ExecuteAsync("INSERT INTO processed_deliveries (delivery_id, processed_at) VALUES ('a', 0), ('b', 0), ('m00007', 0), ('z', 0)");
        }

        var (examined, forgotten, last) = await worker.Service<InboxStore>().ForgetProcessedMarksAsync(1, null, 5000, CancellationToken.None);

        Assert.Equal((4, 3, "z"), (examined, forgotten, last));
        await using var after = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(["m00007"], await after.QueryAsync<string>("SELECT delivery_id FROM processed_deliveries"));
        // The inbox file is attached for the read only: the pooled connection goes back to the pool without it.
        Assert.DoesNotContain("inbox", await after.QueryAsync<string>("SELECT name FROM pragma_database_list"));
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    [Fact]
    public void Claims_take_turns_between_lanes_and_only_behind_a_key_s_earlier_deliveries()
    {
        // Lane 1 a backlog (1-4, where 3 waits behind 1), lane 2 a trickle (10, and 11 behind the waiting 9).
        var offered = new InboxStore.Offered[]
        {
            new(1, 1, null, null), new(2, 1, null, null), new(3, 1, 1, null), new(4, 1, null, 2),
            new(10, 2, null, null), new(11, 2, 9, null),
        };

        Assert.Equal([1, 10, 2, 3], InboxStore.TakeTurns(offered, 4));
        Assert.Equal([1, 10, 2, 3, 4], InboxStore.TakeTurns(offered, 100));
    }

    [Theory]
    [InlineData("{}/{team=\"payments\"}:{service=\"checkout\"}", "alertmanager:{}/{team=\"payments\"}")]
    [InlineData("{}:{alertname=\"HighErrorRate\", service=\"checkout\"}", "alertmanager:{}")]
    [InlineData("{}:{}", "alertmanager:{}")]
    [InlineData("not-a-group-key", "alertmanager:not-a-group-key")]
    public void A_notification_s_lane_is_its_route(string groupKey, string lane) =>
        Assert.Equal(lane, CorrelationKey.LaneOfGroup("alertmanager", groupKey));

    private static WorkerFactory RetryingAfterAMinute(FakeTimeProvider time) => new(
        new Dictionary<string, string?>
        {
            ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
            ["IncidentBridge:Inbox:RetryDelay"] = "00:01:00",
            ["IncidentBridge:Inbox:MaxRetryDelay"] = "00:01:00",
        },
        time);

    /// <summary>
    /// Processes with <paramref name="refused"/>'s first attempt refused, claims again while it waits for its retry, and
    /// returns the states then; then processes after the retry is due.
    /// </summary>
    private static async Task<Dictionary<string, (string State, long Attempts)>> ProcessWithFirstAttemptRefusedAsync(WorkerFactory worker, FakeTimeProvider time, string refused)
    {
        await RefuseProcessingAsync(worker, [refused]);
        var processor = worker.Service<InboxProcessor>();
        await processor.ProcessBatchAsync(CancellationToken.None);
        await RefuseProcessingAsync(worker, []);
        await processor.ProcessBatchAsync(CancellationToken.None);
        var whileWaiting = await worker.DeliveryStatesAsync();
        time.Advance(TimeSpan.FromMinutes(2));
        await processor.ProcessBatchAsync(CancellationToken.None);
        return whileWaiting;
    }

    private static int ShardOf(string groupKey) =>
        new IncomingDelivery("alertmanager", "application/json", [], null, null, OrderKey: CorrelationKey.OrderOfGroup(groupKey)).Shard;

    /// <summary>Until the next call, the processing of each of <paramref name="ids"/> fails at its end, after all its work.</summary>
    private static Task RefuseProcessingAsync(WorkerFactory worker, IReadOnlyCollection<string> ids) =>
        worker.Service<IDatabase>().RefuseAsync("refuse", "INSERT ON processed_deliveries", "NEW.delivery_id", ids, "ABORT, 'refused (simulated)'");

    /// <summary>Wraps every delivery handler to record, in the processing transaction, which delivery's work it did.</summary>
    private sealed class RecordedWork(IDeliveryHandler inner) : IDeliveryHandler
    {
        public string Source => inner.Source;

        public static void Install(IServiceCollection services) => DeliveryHandlers.Wrap(services, inner => new RecordedWork(inner));

        public object? Prepare(ClaimedDelivery delivery) => inner.Prepare(delivery);

        public Task HandleAsync(ClaimedDelivery delivery, DbTransaction transaction, CancellationToken cancellationToken) =>
            HandleAsync(delivery, null, transaction, cancellationToken);

        public async Task HandleAsync(ClaimedDelivery delivery, object? prepared, DbTransaction transaction, CancellationToken cancellationToken)
        {
            await inner.HandleAsync(delivery, prepared, transaction, cancellationToken);
            await transaction.Connection!.ExecuteAsync("INSERT INTO sim_work (delivery_id) VALUES (@Id)", new { delivery.Id }, transaction);
        }
    }
}
