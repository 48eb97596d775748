using IncidentBridge.Incidents;
using Fault = IncidentBridge.Tests.Support.FakeTracker.Fault;
using FaultKind = IncidentBridge.Tests.Support.FakeTracker.FaultKind;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// Exactly one issue per action item, proven by fault simulation (docs/ARCHITECTURE.md, "Exactly one issue per
/// action item"). Each schedule is drawn from a fixed seed: a postmortem with a few items, edited while calls are in
/// flight, sent by three dispatchers with short leases to one stateful fake tracker, every call of which may be:
/// <list type="bullet">
/// <item>failed before it did anything (5xx, connection refused), or refused (4xx);</item>
/// <item>slow (the clock moves on while it is in flight, and meanwhile another replica's batch runs, or the
/// postmortem is edited again);</item>
/// <item>done with its answer lost (5xx after commit, connection reset), or given up on by the client and done by the
/// tracker later (or never): a create up to 4 minutes later, any other write within <c>SearchSettle</c>;</item>
/// </list>
/// and the tracker's search lags behind its writes by up to 90 s (beyond <c>SearchSettle</c>, sometimes), and a person
/// may copy an item's marker onto an issue by hand. After each schedule the faults stop, time runs on, the dispatchers
/// and status sync finish their work, and the invariants are checked:
/// <list type="number">
/// <item>every item has its issue, and exactly one issue carries its marker and is not closed as a duplicate;</item>
/// <item>that issue's text (title, description, owner, priority, due date) is the latest posted;</item>
/// <item>its status is the item's own status as posted (in progress, done), never overwritten by the create;</item>
/// <item>each comment purpose is on an issue at most once;</item>
/// <item>where the tracker's search never lagged past <c>SearchSettle</c> and no create landed later than that after
/// we gave up on it, no duplicate was ever made, not even one later closed.</item>
/// </list>
/// A failure names the seed; <c>Schedule(seed)</c> replays it. The fake sits at the <c>ITracker</c> seam, where the
/// faults mean the same for Jira and GitHub; the HTTP clients behind that seam are tested against WireMock fakes of
/// each tracker (tests/IncidentBridge.Tests/Trackers).
/// </summary>
public abstract class ExactlyOnceSimulationTests(PostgresServer? postgres, int schedules, string tracker = "Jira") : SimulationTests(schedules)
{
    private static readonly TimeSpan Settle = Replicas.Settle;
    private static readonly string[] Owners = ["Bob", "Carol", "Dave"];
    private static readonly string[] Priorities = ["P0", "P1", "P2", "P3"];
    private static readonly string[] Statuses = ["open", "open", "in-progress", "done"];

    [Fact]
    public Task Randomised_fault_schedules_leave_exactly_one_issue_per_item_with_the_latest_text() => RunSchedulesAsync();

    private protected override Task<Replicas> StartAsync() => Replicas.StartAsync(postgres, tracker: tracker);

    private protected override async Task Schedule(int seed)
    {
        var random = new Random(seed);
        var log = new List<string>();
        var incident = await NewIncidentAsync(seed);
        var lag = random.Next(4) switch { 0 => TimeSpan.Zero, 1 => TimeSpan.FromSeconds(10), 2 => TimeSpan.FromSeconds(50), _ => TimeSpan.FromSeconds(90) };
        var lateEffects = false;
        Replicas.Tracker.SearchLag = lag;
        Replicas.Tracker.Faults = operation =>
        {
            var fault = DrawFault(random, operation);
            lateEffects |= operation == "create" && fault is { Kind: FaultKind.Late, LateBy: { } lateBy } && lateBy + lag > Settle;
            if (fault.Kind != FaultKind.None)
            {
                log.Add($"{Replicas.Time.GetUtcNow():HH:mm:ss} {operation}: {fault}");
            }

            return fault;
        };

        var items = Enumerable.Range(1, random.Next(1, 5)).Select(i => new SimItem($"s{seed}-{i}", $"Action {i} of schedule {seed}", Owners[random.Next(3)], Priorities[random.Next(4)], Due(random), Statuses[random.Next(Statuses.Length)])).ToList();
        await PostAsync(incident, items);
        var before = Replicas.Tracker.All.Count;
        Replicas.Tracker.Meanwhile = async () =>
        {
            // While a call is in flight: another replica works, and/or someone edits the postmortem.
            if (random.Next(3) > 0)
            {
                log.Add($"{Replicas.Time.GetUtcNow():HH:mm:ss} meanwhile: another dispatcher's batch");
                await Replicas.Dispatchers[random.Next(Replicas.Dispatchers.Count)].DispatchBatchAsync(CancellationToken.None);
            }

            if (random.Next(3) == 0)
            {
                Edit(random, items);
                log.Add($"{Replicas.Time.GetUtcNow():HH:mm:ss} meanwhile: edited");
                await PostAsync(incident, items);
            }
        };

        for (var round = random.Next(4, 12); round > 0; round--)
        {
            switch (random.Next(10))
            {
                case < 6:
                    await Replicas.Dispatchers[random.Next(Replicas.Dispatchers.Count)].DispatchBatchAsync(CancellationToken.None);
                    break;
                case < 8:
                    Edit(random, items);
                    log.Add($"{Replicas.Time.GetUtcNow():HH:mm:ss} edited");
                    await PostAsync(incident, items);
                    break;
                case 8:
                    await RunAsync<StatusSyncJob>();
                    break;
                default:
                    if (await ItemsAsync(incident) is { Count: > 0 } stored && stored[random.Next(stored.Count)] is { TrackerKey: not null } copied)
                    {
                        Replicas.Tracker.AddByHand(copied.Marker, Replicas.Tracker.All.First(i => i.Key == copied.TrackerKey).Request);
                        log.Add($"{Replicas.Time.GetUtcNow():HH:mm:ss} a person copied {copied.Marker} onto a new issue");
                    }

                    break;
            }

            Replicas.Time.Advance(TimeSpan.FromSeconds(random.Next(0, 90)));
        }

        await SettleAsync(incident);
        Check(seed, incident, items, lag <= Settle && !lateEffects, before, log);
    }

    /// <summary>
    /// No more faults: time runs on until every late effect has landed and the search has caught up, status sync heals
    /// what the faults left, and the dispatchers finish every item.
    /// </summary>
    private async Task SettleAsync(string incident)
    {
        Replicas.Tracker.Faults = null;
        Replicas.Tracker.Meanwhile = null;
        Replicas.Time.Advance(TimeSpan.FromMinutes(10));
        Replicas.Tracker.Pump();
        await RunAsync<StatusSyncJob>();
        for (var pass = 0; pass < 40; pass++)
        {
            foreach (var dispatcher in Replicas.Dispatchers)
            {
                await dispatcher.DispatchBatchAsync(CancellationToken.None);
            }

            if ((await ItemsAsync(incident)).All(i => i.SyncState == SyncState.Synced))
            {
                break;
            }

            Replicas.Time.Advance(TimeSpan.FromMinutes(3));
        }

        // What the last passes made (a create after a search that missed a late one) is visible now: heal it too.
        Replicas.Time.Advance(TimeSpan.FromMinutes(3));
        await RunAsync<StatusSyncJob>();
        foreach (var dispatcher in Replicas.Dispatchers)
        {
            await dispatcher.DispatchBatchAsync(CancellationToken.None);
        }
    }

    private void Check(int seed, string incident, List<SimItem> items, bool strict, int issuesBefore, List<string> log)
    {
        var stored = ItemsAsync(incident).GetAwaiter().GetResult();
        var why = $"seed {seed}{(strict ? " (strict)" : "")}, search lag {Replicas.Tracker.SearchLag}:\n  " + string.Join("\n  ", log)
            + "\n  tracker: " + string.Join(", ", Replicas.Tracker.All.Where(i => stored.Any(s => s.Marker == i.Marker)).Select(i => $"{i.Key} {i.Status} made {i.CreatedAt:HH:mm:ss}{(i.ClosedAsDuplicate ? " closed as duplicate" : "")}{(i.HandMade ? " by hand" : "")}"))
            + "\n  items: " + string.Join(", ", stored.Select(i => $"{i.ItemKey} {i.TrackerKey} {i.Status} {i.SyncState}"));
        Assert.True(stored.Count == items.Count, $"{items.Count} items expected, {stored.Count} stored; {why}");
        foreach (var posted in items)
        {
            var item = stored.Single(i => i.ItemKey == posted.Id);
            Assert.True(item.SyncState == SyncState.Synced && item.TrackerKey is not null, $"{posted.Id} is {item.SyncState} ({item.SyncError}); {why}");
            var carriers = Replicas.Tracker.All.Where(i => i.Marker == item.Marker).ToList();
            var live = carriers.Where(i => !i.ClosedAsDuplicate).ToList();
            Assert.True(live.Count == 1, $"{posted.Id}: {live.Count} live issues carry {item.Marker} ({string.Join(", ", live.Select(i => i.Key))}); {why}");
            var issue = live[0];
            Assert.True(issue.Key == item.TrackerKey, $"{posted.Id} points at {item.TrackerKey}, the live issue is {issue.Key}; {why}");
            Assert.True(issue.Request.Content.Description == posted.Description && issue.Request.Content.Owner == posted.Owner
                && issue.Request.Priority == posted.Priority && issue.Request.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == posted.Due,
                $"{posted.Id}: the issue says '{issue.Request.Content.Description}'/{issue.Request.Content.Owner}/{issue.Request.Priority}/{issue.Request.DueDate}, posted '{posted.Description}'/{posted.Owner}/{posted.Priority}/{posted.Due}; {why}");
            Assert.True(issue.Status == posted.FirstStatus, $"{posted.Id}: the issue is {issue.Status}, created {posted.FirstStatus}; {why}");
            Assert.True(item.Status == posted.FirstStatus, $"{posted.Id}: the item is {item.Status}, created {posted.FirstStatus}; {why}");
            foreach (var carrier in carriers)
            {
                Assert.True(carrier.Comments.GroupBy(c => c.HiddenId).All(g => g.Count() == 1), $"{carrier.Key} has a comment twice; {why}");
            }

            if (strict)
            {
                var made = carriers.Count(i => !i.HandMade);
                Assert.True(made == 1, $"{posted.Id}: {made} issues were made for it although the tracker never lagged past SearchSettle; {why}");
            }
        }
    }

    private static Fault DrawFault(Random random, string operation)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 62 => Fault.None,
            < 70 => new Fault(FaultKind.FailBefore),
            < 78 => new Fault(FaultKind.LoseAnswer),
            < 88 => new Fault(FaultKind.Slow, TimeSpan.FromSeconds(random.Next(5, 120))),
            // A create may land long after we gave up (a duplicate then, healed by status sync); any other write lands
            // within SearchSettle or never (beyond that, a stale update could overwrite a newer one: see the failure model).
            < 93 => new Fault(FaultKind.Late, TimeSpan.FromSeconds(95), random.Next(3) == 0 ? null : TimeSpan.FromSeconds(random.Next(1, operation == "create" ? 240 : 55))),
            _ when operation is "status" or "update" or "get" => new Fault(FaultKind.Refuse),
            _ => new Fault(FaultKind.FailBefore),
        };
    }

    private static void Edit(Random random, List<SimItem> items)
    {
        var i = random.Next(items.Count);
        items[i] = random.Next(4) switch
        {
            0 => items[i] with { Description = items[i].Description + " (edited)" },
            1 => items[i] with { Owner = Owners[random.Next(3)] },
            2 => items[i] with { Priority = Priorities[random.Next(4)] },
            _ => items[i] with { Due = Due(random) },
        };
    }

    private static string Due(Random random) => new DateOnly(2026, 12, 10).AddDays(random.Next(60)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Task<string> NewIncidentAsync(int seed) => Replicas.NewIncidentAsync(seed);

    private Task PostAsync(string incident, List<SimItem> items)
    {
        var postmortem = PostmortemJson.Published();
        foreach (var item in items)
        {
            postmortem.WithItem(item.Id, item.Description, item.Owner, item.Priority, item.Due, item.FirstStatus);
        }

        return Replicas.PostAsync(incident, postmortem);
    }

    private Task<IReadOnlyList<ActionItemRow>> ItemsAsync(string incident) => Replicas.ItemsAsync(incident);

    private Task RunAsync<TJob>()
        where TJob : IFollowUpJob => Replicas.RunAsync<TJob>();

    private sealed record SimItem(string Id, string Description, string Owner, string Priority, string Due, string FirstStatus);

    public sealed class OnSqlite() : ExactlyOnceSimulationTests(null, 1000);

    /// <summary>The same schedules against a GitHub-shaped tracker (keys <c>owner/repo#n</c>).</summary>
    public sealed class OnSqliteWithGitHub() : ExactlyOnceSimulationTests(null, 300, "GitHub");

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : ExactlyOnceSimulationTests(postgres, 300);
}
