using Dapper;
using IncidentBridge.Inbox;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// A batch whose transaction SQLite ends itself, and claims on a database replicas share. A delivery that fails holds
/// back the later ones of its group and no other: <see cref="InboxLaneTests"/>.
/// </summary>
public sealed class InboxShardTests
{
    private const string Checkout = "{}:{alertname=\"HighErrorRate\", service=\"checkout\"}";
    private const string Billing = "{}:{alertname=\"DiskFull\", service=\"billing\"}";

    [Fact]
    public async Task A_batch_that_SQLite_rolls_back_whole_fails_with_the_error_that_ended_it_and_loses_nothing()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Inbox:ProcessingEnabled"] = "false" }, time);
        var webhooks = worker.CreateClient();
        var first = await (await webhooks.PostAlertmanagerAsync(Notification(Checkout, Firing("a1", T0)))).DeliveryIdAsync();
        var second = await (await webhooks.PostAlertmanagerAsync(Notification(Billing, Firing("c1", T0).Service("billing")))).DeliveryIdAsync();
        // SQLite ends the whole transaction itself on some errors (a full disk, an I/O error); RAISE(ROLLBACK) does the
        // same, at the end of the second delivery's work, after the first's whole delivery is written.
        await RefuseAsync(worker, [second], DiskFull);

        var processor = worker.Service<InboxProcessor>();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessBatchAsync(CancellationToken.None));
        var afterFailure = await worker.DeliveryStatesAsync();
        await RefuseAsync(worker, [], "");

        time.Advance(TimeSpan.FromMinutes(1)); // past the failed batch's lease
        await processor.ProcessBatchAsync(CancellationToken.None);

        Assert.Contains("database or disk is full", failure.Message);
        Assert.Equal([("pending", 1L), ("pending", 1L)], new[] { afterFailure[first], afterFailure[second] });
        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        Assert.Equal(2, (await new IncidentsClient(worker).AllAsync()).Count);
    }

    /// <summary>
    /// Failure model: SQLite ends a processing transaction itself (a full disk, an I/O error) at any delivery's
    /// completion, on one or more of its attempts, in batches of any size; a batch it ends takes the other deliveries of
    /// the batch down with it. Invariants after each schedule: every delivery done, none dead, one incident per group,
    /// each alert state recorded once, and every failure reported with the error that ended it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Randomised_whole_transaction_rollbacks_lose_nothing_and_make_nothing_twice(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = new WorkerFactory(
            new Dictionary<string, string?>
            {
                ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
                ["IncidentBridge:Inbox:ProcessBatchSize"] = random.Next(1, 6).ToString(CultureInfo.InvariantCulture),
                ["IncidentBridge:Inbox:MaxAttempts"] = "50",
            },
            time);
        var webhooks = worker.CreateClient();
        var groups = random.Next(3, 7);
        var refusals = new Dictionary<string, int>();
        var alerts = 0;
        for (var g = 0; g < groups; g++)
        {
            var notifications = random.Next(1, 3);
            for (var notification = 0; notification < notifications; notification++)
            {
                var fingerprints = random.Next(1, 4);
                alerts += fingerprints;
                var body = Notification($"{{}}:{{service=\"svc{g}\"}}", [.. Enumerable.Range(0, fingerprints).Select(f => Firing($"g{g}n{notification}f{f}", T0).Service($"svc{g}"))]);
                var id = await (await webhooks.PostAlertmanagerAsync(body)).DeliveryIdAsync();
                var refusedAttempts = random.Next(0, 3);
                if (refusedAttempts > 0)
                {
                    refusals[id] = refusedAttempts;
                }
            }
        }

        var processor = worker.Service<InboxProcessor>();
        var failures = new List<Exception>();
        for (var round = 0; round < 200 && (await worker.DeliveryStatesAsync()).Values.Any(d => d.State != "done"); round++)
        {
            // The attempt a claim is about to make is the one after those made: refused while it is one of the first N.
            var states = await worker.DeliveryStatesAsync();
            await RefuseAsync(worker, [.. refusals.Where(r => states[r.Key].Attempts < r.Value).Select(r => r.Key)], DiskFull);
            try
            {
                await processor.ProcessBatchAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
                time.Advance(TimeSpan.FromMinutes(1)); // past the failed batch's lease
            }
        }

        Assert.All((await worker.DeliveryStatesAsync()).Values, d => Assert.Equal("done", d.State));
        Assert.Equal(groups, (await new IncidentsClient(worker).AllAsync()).Count);
        Assert.Equal(alerts, await worker.CountAsync("alert_events"));
        Assert.Equal(refusals.Count > 0, failures.Count > 0);
        Assert.All(failures, f => Assert.Contains("database or disk is full", f.Message));
    }

    private const string DiskFull = "ROLLBACK, 'database or disk is full'";

    /// <summary>
    /// Makes the end of each delivery of <paramref name="ids"/>'s processing (its processed mark, the last write in its
    /// transaction) <c>RAISE(<paramref name="raise"/>)</c>, until the next call; none for no ids.
    /// </summary>
    private static Task RefuseAsync(WorkerFactory worker, IReadOnlyCollection<string> ids, string raise) =>
        worker.Service<IDatabase>().RefuseAsync("refuse", "INSERT ON processed_deliveries", "NEW.delivery_id", ids, raise);
}

/// <summary>Claims on a database replicas share.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedInboxClaimTests(PostgresServer postgres)
{
    [Fact]
    public async Task Claims_take_no_more_than_asked_and_leave_a_claimed_group_to_its_owner()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var worker = new WorkerFactory(postgres.Settings(new Dictionary<string, string?> { ["IncidentBridge:Inbox:ProcessingEnabled"] = "false" }), time);
        var webhooks = worker.CreateClient();
        var groupOf = new Dictionary<string, int>();
        for (var i = 0; i < 40; i++)
        {
            // Two notifications per group, the second after every group's first.
            groupOf[await (await webhooks.PostAlertmanagerAsync(Notification($"{{}}:{{alertname=\"Alert{i % 20}\"}}", Firing($"a{i}", T0)))).DeliveryIdAsync()] = i % 20;
        }

        var store = worker.Service<InboxStore>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var first = await store.ClaimDueAsync("first", now, now + 30_000, 4, CancellationToken.None);
        var second = await store.ClaimDueAsync("second", now, now + 30_000, 100, CancellationToken.None);

        Assert.Equal([0, 1, 2, 3], first.Select(d => groupOf[d.Id]));
        // Every other group, both its notifications; none of a group whose first notification the first claim holds.
        Assert.Equal(32, second.Count);
        Assert.Empty(first.Select(d => groupOf[d.Id]).Intersect(second.Select(d => groupOf[d.Id])));
    }
}
