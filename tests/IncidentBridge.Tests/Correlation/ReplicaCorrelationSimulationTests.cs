using Dapper;
using CorrelationKey = IncidentBridge.Correlation.CorrelationKey;
using IncidentBridge.Inbox;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Correlation;

/// <summary>
/// Two replicas process one PostgreSQL inbox side by side, each taking shards of it (docs/ARCHITECTURE.md, "Correlation
/// on replicas"). Failure model, each part drawn from the seed:
/// - reordered: the replicas process different shards at once, so deliveries of different group keys and pages are
///   correlated in another order than they arrived (only each shard keeps its order);
/// - concurrent: notifications of groups that share a service (their correlation labels) or a fingerprint (an alert
///   routed to two receivers), and pages whose incident key is a group's dedup key, are correlated at the same moment by
///   both replicas, and their transactions can deadlock (the database gives one up; it is done again);
/// - refused: a delivery's completion fails once or twice after all its correlation writes (a trigger raises), so the
///   delivery is rolled back to its savepoint and retried with back-off;
/// - cut short: a replica's batch is cancelled part-way, its transaction rolled back with leases still held, which
///   end only when the lease does (the fake clock moves on when both replicas find nothing to claim).
/// Invariants after each schedule: every delivery done, none dead; each alert in exactly one incident, each group key
/// and each page linked to at most one; and the incidents are those one worker makes processing the same deliveries
/// one by one in order of arrival (alert time windows are wide, so every join is allowed in either order): the same
/// alerts and pages together, the same severity, start, last activity and alert states, and the same resolution.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaCorrelationSimulationTests(PostgresServer postgres)
{
    private static readonly string[] Services = ["checkout", "billing", "search"];
    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    private static readonly Dictionary<string, string?> Windows = new()
    {
        ["IncidentBridge:Correlation:Window"] = "1.00:00:00",
        ["IncidentBridge:Correlation:ReopenWindow"] = "1.00:00:00",
    };

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Two_replicas_correlating_side_by_side_make_what_one_makes_in_order(int seed)
    {
        var random = new Random(seed);
        var history = History(random);

        await using var reference = new WorkerFactory(Windows, time: new FakeTimeProvider(T0.AddDays(2)));
        var inOrder = new IncidentsClient(reference);
        foreach (var delivery in history)
        {
            await (delivery.GroupKey is { } groupKey ? inOrder.AlertsAsync(groupKey, delivery.Alerts) : inOrder.PageAsync(delivery.Page!));
        }

        var time = new FakeTimeProvider(T0.AddDays(2));
        var settings = postgres.Settings(new Dictionary<string, string?>(Windows)
        {
            ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
            ["IncidentBridge:Inbox:ProcessBatchSize"] = "4",
            ["IncidentBridge:Inbox:LeaseDuration"] = "00:00:30",
            ["IncidentBridge:Inbox:RetryDelay"] = "00:00:01",
            ["IncidentBridge:Inbox:MaxRetryDelay"] = "00:00:02",
            ["IncidentBridge:Inbox:MaxAttempts"] = "100",
        });
        await using var first = new WorkerFactory(settings, time: time);
        await using var second = new WorkerFactory(settings, time: time);
        var webhooks = new[] { first.CreateClient(), second.CreateClient() };
        var ids = new List<string>();
        foreach (var delivery in history)
        {
            var client = webhooks[random.Next(2)];
            var response = await (delivery.GroupKey is { } groupKey
                ? client.PostAlertmanagerAsync(Notification(groupKey, delivery.Alerts))
                : client.PostPagerDutyAsync(delivery.Page!.ToString()));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(await response.DeliveryIdAsync());
        }

        await RefuseCompletionsAsync(first, ids.Where(_ => random.Next(6) == 0).ToDictionary(id => id, _ => random.Next(1, 3)));
        var claimed = await ProcessSideBySideAsync(random, time, first.Service<InboxProcessor>(), second.Service<InboxProcessor>(), () => first.CountAsync("deliveries", "state = 'pending'"));

        Assert.All(claimed, count => Assert.True(count > 0, "both replicas processed deliveries"));
        Assert.Equal(ids.Count, await first.CountAsync("deliveries", "state = 'done'"));
        Assert.Equal(0, await first.CountAsync("(SELECT fingerprint FROM incident_alerts GROUP BY fingerprint HAVING COUNT(*) > 1) AS twice"));
        Assert.Equal(0, await first.CountAsync("(SELECT kind, key FROM incident_sources GROUP BY kind, key HAVING COUNT(*) > 1) AS twice"));
        var expected = await IncidentsAsync(reference);
        Assert.True(expected.Count > 1, "the history makes several incidents");
        Assert.Equal(expected, await IncidentsAsync(first));
    }

    /// <summary>
    /// Runs both processors' batches at once, round after round, until nothing is pending; in some rounds one batch is cut
    /// short. When neither claims anything (leases of a cut batch, deliveries waiting for their retry), the clock moves
    /// past the lease. Returns how many deliveries each claimed.
    /// </summary>
    private static async Task<int[]> ProcessSideBySideAsync(Random random, FakeTimeProvider time, InboxProcessor first, InboxProcessor second, Func<Task<long>> pending)
    {
        var claimed = new int[2];
        for (var round = 0; await pending() > 0; round++)
        {
            Assert.True(round < 2_000, "the replicas drain the inbox");
            var cut = random.Next(5) == 0 ? random.Next(2) : -1;
            var cutAfter = TimeSpan.FromMilliseconds(random.Next(1, 40));
            var batches = await Task.WhenAll(new[] { first, second }.Select(async (processor, i) =>
            {
                using var cancel = i == cut ? new CancellationTokenSource(cutAfter) : new CancellationTokenSource();
                try
                {
                    return await processor.ProcessBatchAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    return 0;
                }
            }));
            claimed[0] += batches[0];
            claimed[1] += batches[1];
            if (batches.Sum() == 0)
            {
                time.Advance(TimeSpan.FromSeconds(31));
            }
        }

        return claimed;
    }

    /// <summary>Makes the completion of each given delivery fail for its first attempts, after all its correlation writes.</summary>
    private static async Task RefuseCompletionsAsync(WorkerFactory worker, Dictionary<string, int> attempts)
    {
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            """
            CREATE TABLE sim_refusals (id TEXT PRIMARY KEY, attempts BIGINT NOT NULL);
            CREATE FUNCTION sim_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state = 'done' AND NEW.attempts <= (SELECT attempts FROM sim_refusals WHERE id = NEW.id) THEN
                    RAISE EXCEPTION 'refused by the fault schedule';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER sim_refuse BEFORE UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION sim_refuse();
            """);
        foreach (var (id, count) in attempts)
        {
            await connection.ExecuteAsync("INSERT INTO sim_refusals (id, attempts) VALUES (@Id, @Count)", new { Id = id, Count = (long)count });
        }
    }

    private sealed record Delivery(string? GroupKey, TestAlert[] Alerts, PagerDutyEvent? Page);

    /// <summary>
    /// Six groups over three services (two groups a service), each with alerts of its own and one alert routed to both
    /// groups of its service (sent to both, in the same states); alert times move forward a minute a step, flapping and
    /// re-firing. Pages: three PagerDuty incidents, each keyed by a group's dedup key, triggered, acknowledged and resolved.
    /// </summary>
    private static List<Delivery> History(Random random)
    {
        var groups = Enumerable.Range(0, 6).Select(g => $"{{}}:{{alertname=\"Alert{g}\", service=\"{Services[g % 3]}\"}}").ToArray();
        var alerts = new Dictionary<string, TestAlert>();
        TestAlert Alert(string fingerprint, int service, DateTimeOffset at) =>
            alerts.TryGetValue(fingerprint, out var alert) ? alert
            : alerts[fingerprint] = Firing(fingerprint, at).Service(Services[service]).Severity(Severities[random.Next(Severities.Length)]);

        var history = new List<Delivery>();
        var pages = Enumerable.Range(0, 3).Select(p => (Id: $"PSIM{p}", Key: CorrelationKey.PagerDutyDedupKey(groups[random.Next(groups.Length)]), Step: 0, CreatedAt: T0)).ToArray();
        for (var step = 1; step <= 36; step++)
        {
            var at = T0.AddMinutes(step);
            var g = random.Next(groups.Length);
            var own = Enumerable.Range(0, random.Next(1, 3)).Select(_ => $"g{g}-a{random.Next(3)}").Distinct().ToList();
            var changed = own.Select(f => Moved(Alert(f, g % 3, at), at, random)).ToList();
            foreach (var alert in changed)
            {
                alerts[alert.Fingerprint] = alert;
            }

            history.Add(new Delivery(groups[g], [.. changed], null));
            if (random.Next(3) == 0)
            {
                // The alert both groups of a service are routed: each hears the same state, one after the other.
                var shared = alerts[$"s{g % 3}"] = Moved(Alert($"s{g % 3}", g % 3, at), at, random);
                history.Add(new Delivery(groups[g % 3], [shared], null));
                history.Add(new Delivery(groups[g % 3 + 3], [shared], null));
            }

            if (random.Next(2) == 0)
            {
                var p = random.Next(pages.Length);
                var type = pages[p].Step switch { 0 => "incident.triggered", 1 => "incident.acknowledged", _ => "incident.resolved" };
                pages[p].CreatedAt = pages[p].Step == 0 ? at : pages[p].CreatedAt;
                pages[p].Step = Math.Min(pages[p].Step + 1, 2);
                history.Add(new Delivery(null, [], PagerDutyEvent.Of(type).ForIncident(pages[p].Id).WithIncidentKey(pages[p].Key).At(at).CreatedAt(pages[p].CreatedAt)
                    .WithPriority(random.Next(2) == 0 ? "P1" : null, random.Next(2) == 0 ? "high" : "low")));
            }
        }

        return history;
    }

    /// <summary>The alert's next state at <paramref name="at"/>: a firing one resolves (or stays), a resolved one fires again.</summary>
    private static TestAlert Moved(TestAlert alert, DateTimeOffset at, Random random) =>
        alert.Status == "firing" && alert.StartsAt < at && random.Next(2) == 0 ? alert.Resolved(at)
        : alert.Status == "resolved" ? alert.FiringAgain(at)
        : alert;

    /// <summary>
    /// Each incident, by what it holds rather than its id (replicas number incidents in another order): its alerts with
    /// their states, its pages, severity, start and last activity, and whether it is resolved (for incidents of alerts only:
    /// a page's status is applied by its own time, so with pages the incident's status depends on the order, as it does
    /// on one worker when deliveries arrive in another order; the pages' own states are compared instead).
    /// </summary>
    private static async Task<List<string>> IncidentsAsync(WorkerFactory worker)
    {
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        var alerts = (await connection.QueryAsync<(string IncidentId, string Fingerprint, string Status, long StartsAt)>(
            "SELECT incident_id, fingerprint, status, starts_at FROM incident_alerts")).ToLookup(a => a.IncidentId);
        var pages = (await connection.QueryAsync<(string IncidentId, string Key, string? Status)>(
            "SELECT incident_id, key, CASE WHEN kind = 'pagerduty' THEN status END FROM incident_sources")).ToLookup(p => p.IncidentId);
        var incidents = await connection.QueryAsync<(string Id, long Severity, string Status, long StartedAt, long LastActivityAt)>(
            "SELECT id, severity, status, started_at, last_activity_at FROM incidents");
        return incidents
            .Select(i => string.Join(" | ",
                string.Join(",", alerts[i.Id].Select(a => $"{a.Fingerprint}:{a.Status}@{a.StartsAt}").Order(StringComparer.Ordinal)),
                string.Join(",", pages[i.Id].Select(p => p.Status is null ? p.Key : $"{p.Key}:{p.Status}").Order(StringComparer.Ordinal)),
                $"severity {i.Severity}",
                $"started {i.StartedAt}",
                $"active {i.LastActivityAt}",
                pages[i.Id].Any() ? "" : i.Status == "resolved" ? "resolved" : "open"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
