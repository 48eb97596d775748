using IncidentBridge.Inbox;
using IncidentBridge.Tests.ActionItems;

namespace IncidentBridge.Tests.FollowUp.TwoWaySync;

/// <summary>
/// Two-way sync ends where the tracker is, proven by fault simulation (docs/ARCHITECTURE.md, "Tracker webhooks"). Each
/// schedule, drawn from a fixed seed, runs a postmortem's items against a stateful fake tracker while people change the
/// issues (status, assignee, including someone no <c>Owners</c> entry names, or nobody; due date; a deletion) and the
/// postmortem is edited and re-posted (owner, due date, text), so our own updates cross theirs. Every change, ours and
/// theirs, makes a webhook (a real-shaped, signed body read by the real reader), and the network between:
/// <list type="bullet">
/// <item>loses some (never a deletion's: no poll can see a deleted issue; a lost deletion is found when a write to it fails);</item>
/// <item>delivers some twice, and all of them in any order, some long after later changes and after polls;</item>
/// </list>
/// while the status sync polls now and then. Then the network delivers what it still holds, the dispatcher finishes, and:
/// <list type="number">
/// <item>if no webhook was lost, every item already matches its issue: status, due date, and the owner wherever the
/// issue's assignee is someone <c>Owners</c> knows;</item>
/// <item>after one more poll, that holds whatever was lost;</item>
/// <item>an item whose issue was deleted is lost, and no second issue was ever made for any item;</item>
/// <item>an owner or due date re-posted in the postmortem, that nobody changed in the tracker since, holds: an older tracker
/// state arriving while our update is on its way does not undo it.</item>
/// </list>
/// A failure names the seed and the schedule's log.
/// </summary>
public abstract class TwoWaySyncSimulationTests(PostgresServer? postgres, int schedules, string tracker = "Jira") : SimulationTests(schedules)
{
    private static readonly string[] Owners = ["Bob", "Carol", "Dave"];
    private static readonly string?[] JiraAssignees = [TrackerWebhooks.BobJira, TrackerWebhooks.CarolJira, "712020:0e99a2fa-1a1b-4b5c-9d0e-6f7a8b9c0d1e", "557058:stranger", ""];
    private static readonly string?[] GitHubAssignees = ["bob-gh", "Carol-GH", "dave-gh", "stranger", ""];
    private static readonly string[] Statuses = ["open", "in-progress", "done", "not-doing"];

    private IDeliveryHandler _handler = null!;

    private bool IsGitHub => tracker == "GitHub";

    private string?[] Assignees => IsGitHub ? GitHubAssignees : JiraAssignees;

    [Fact]
    public Task Randomised_webhook_loss_duplication_and_reordering_end_with_every_item_matching_its_issue() => RunSchedulesAsync();

    private protected override async Task<Replicas> StartAsync()
    {
        var replicas = await Replicas.StartAsync(postgres, dispatchers: 1, tracker: tracker, settings: TrackerWebhooks.Settings());
        _handler = replicas.Worker.Services.GetServices<IDeliveryHandler>().Single(h => h.Source == tracker.ToLowerInvariant());
        return replicas;
    }

    private protected override async Task Schedule(int seed)
    {
        var random = new Random(seed);
        var log = new List<string>();
        var fake = Replicas.Tracker;
        var incident = await Replicas.NewIncidentAsync(10_000 + seed);
        var posted = Enumerable.Range(1, random.Next(1, 4))
            .Select(i => new Posted($"w{seed}-{i}", $"Action {i} of schedule {seed}", Owners[random.Next(3)], $"2027-01-{random.Next(1, 29):D2}"))
            .ToList();
        await PostAsync(incident, posted);
        await DispatchUntilIdleAsync(incident);
        var network = new List<string>();
        var seen = new Dictionary<string, DateTimeOffset>();
        var deleted = new HashSet<string>();
        var lost = 0;
        var stored = await Replicas.ItemsAsync(incident);
        var markers = stored.Select(i => i.Marker).ToHashSet();
        var keyOf = stored.ToDictionary(i => i.Marker, i => i.ItemKey);
        // Whether a person changed an item's assignee or due date in the tracker since the postmortem last set it.
        var ownerTouched = new HashSet<string>();
        var dueTouched = new HashSet<string>();
        Emit();

        for (var step = random.Next(8, 25); step > 0; step--)
        {
            Replicas.Time.Advance(TimeSpan.FromSeconds(random.Next(1, 40)));
            switch (random.Next(12))
            {
                case < 4:
                    if (Live() is { Count: > 0 } live)
                    {
                        var issue = live[random.Next(live.Count)];
                        var change = fake.Edit(
                            issue.Key,
                            Replicas.Time.GetUtcNow(),
                            status: random.Next(2) == 0 ? Statuses[random.Next(Statuses.Length)] : null,
                            assignee: random.Next(2) == 0 ? Assignees[random.Next(Assignees.Length)] : null,
                            // GitHub issues have no due date.
                            due: !IsGitHub && random.Next(3) == 0 ? new DateOnly(2027, 2, random.Next(1, 28)) : null);
                        log.Add($"{Now()} person: {issue.Key} → {change.Status}, {change.Assignee ?? "nobody"}, due {change.DueDate}");
                        ownerTouched.Add(keyOf[issue.Marker!]);
                        if (!IsGitHub)
                        {
                            dueTouched.Add(keyOf[issue.Marker!]);
                        }
                    }

                    break;
                case < 7:
                    if (network.Count > 0)
                    {
                        await DeliverAsync(network[random.Next(network.Count)]);
                    }

                    break;
                case 7:
                    var edited = random.Next(posted.Count);
                    switch (random.Next(3))
                    {
                        case 0 when Owners[random.Next(3)] is var owner && owner != posted[edited].Owner:
                            posted[edited] = posted[edited] with { Owner = owner };
                            ownerTouched.Remove(posted[edited].Id);
                            break;
                        case 1 when $"2027-03-{random.Next(1, 29):D2}" is var due && due != posted[edited].Due:
                            posted[edited] = posted[edited] with { Due = due };
                            dueTouched.Remove(posted[edited].Id);
                            break;
                        default:
                            posted[edited] = posted[edited] with { Description = posted[edited].Description + " (edited)" };
                            break;
                    }

                    log.Add($"{Now()} re-posted: {posted[edited]}");
                    await PostAsync(incident, posted);
                    break;
                case 8:
                    await Replicas.DispatchAsync();
                    log.Add($"{Now()} dispatched");
                    break;
                case 9:
                    await Replicas.RunAsync<StatusSyncJob>();
                    log.Add($"{Now()} polled");
                    break;
                case 10:
                    if (random.Next(4) == 0 && Live() is { Count: > 0 } doomed)
                    {
                        var gone = doomed[random.Next(doomed.Count)];
                        fake.Delete(gone.Key);
                        deleted.Add(gone.Key);
                        log.Add($"{Now()} person: deleted {gone.Key}");
                        network.Add(Webhook(gone.ToChange(tracker), deleted: true));
                    }

                    break;
                default:
                    // The network delivers something twice, or holds it back while another goes first.
                    if (network.Count > 0)
                    {
                        network.Add(network[random.Next(network.Count)]);
                    }

                    break;
            }

            Emit();
        }

        // The network gives up what it still holds, in any order; the dispatcher finishes what the re-posts started.
        while (network.Count > 0)
        {
            await DeliverAsync(network[random.Next(network.Count)], remove: true);
        }

        for (var pass = 0; pass < 5; pass++)
        {
            Replicas.Time.Advance(TimeSpan.FromMinutes(6));
            await DispatchUntilIdleAsync(incident);
            Emit();
            while (network.Count > 0)
            {
                await DeliverAsync(network[random.Next(network.Count)], remove: true);
            }
        }

        if (lost == 0)
        {
            await CheckAsync("with every webhook delivered and no poll");
        }

        Replicas.Time.Advance(Replicas.Settle + TimeSpan.FromSeconds(1));
        await Replicas.RunAsync<StatusSyncJob>();
        await CheckAsync($"after one poll ({lost} webhooks lost)");

        List<FakeTracker.FakeIssue> Live() => [.. fake.All.Where(i => markers.Contains(i.Marker!) && !deleted.Contains(i.Key))];

        string Now() => Replicas.Time.GetUtcNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

        // Every issue changed since its last webhook sends one now; the network may lose it.
        void Emit()
        {
            foreach (var issue in fake.All.Where(i => markers.Contains(i.Marker!) && !deleted.Contains(i.Key)))
            {
                if (seen.TryGetValue(issue.Key, out var last) && last >= issue.ChangedAt)
                {
                    continue;
                }

                seen[issue.Key] = issue.ChangedAt;
                if (random.Next(7) == 0)
                {
                    lost++;
                    log.Add($"{Now()} network: lost the webhook of {issue.Key} at {issue.ChangedAt:HH:mm:ss}");
                    continue;
                }

                network.Add(Webhook(issue.ToChange(tracker)));
            }
        }

        async Task DeliverAsync(string body, bool remove = false)
        {
            if (remove || random.Next(3) > 0)
            {
                network.Remove(body);
            }

            await HandleAsync(body);
        }

        async Task CheckAsync(string when)
        {
            var items = await Replicas.ItemsAsync(incident);
            var directory = Replicas.Worker.Service<OwnerDirectory>();
            var context = $"seed {seed}, {when}:\n  {string.Join("\n  ", log)}\n  items: {string.Join("; ", items.Select(i => $"{i.Id} {i.TrackerKey} {i.SyncState} {i.Status} {i.Owner} {i.DueDate}"))}";
            foreach (var item in items)
            {
                Assert.True(fake.All.Count(i => i.Marker == item.Marker) == 1, $"Item {item.Id} has one issue, {context}");
                var issue = fake.All.Single(i => i.Marker == item.Marker);
                if (issue.Deleted)
                {
                    Assert.True(item.SyncState == SyncState.Lost, $"Item {item.Id} whose issue was deleted is lost, {context}");
                    continue;
                }

                Assert.True(item.Status == issue.Status, $"Item {item.Id} is {item.Status}, its issue {issue.Status}, {context}");
                Assert.True(item.DueDate == issue.DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), $"Item {item.Id} is due {item.DueDate}, its issue {issue.DueDate}, {context}");
                if (issue.Assignee is { } assignee && directory.OwnerOf(tracker, assignee) is { } owner)
                {
                    Assert.True(directory.PersonOf(item.Owner) == directory.PersonOf(owner), $"Item {item.Id} is {item.Owner}'s, its issue {owner}'s, {context}");
                }

                // A re-posted owner or due date nobody changed in the tracker since holds: no older tracker state undid it.
                var latest = posted.Single(p => p.Id == item.ItemKey);
                Assert.True(ownerTouched.Contains(item.ItemKey) || item.Owner == latest.Owner, $"Item {item.Id} is {item.Owner}'s, posted as {latest.Owner}'s, {context}");
                Assert.True(dueTouched.Contains(item.ItemKey) || item.DueDate == latest.Due, $"Item {item.Id} is due {item.DueDate}, posted as due {latest.Due}, {context}");
            }
        }
    }

    private async Task HandleAsync(string body)
    {
        var database = Replicas.Worker.Service<IDatabase>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        var now = Replicas.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await _handler.HandleAsync(new ClaimedDelivery(0, Guid.NewGuid().ToString("N"), _handler.Source, now, Encoding.UTF8.GetBytes(body), 1, IsGitHub ? "issues" : null), tx, CancellationToken.None);
        await tx.CommitAsync();
    }

    /// <summary>The delivery the tracker sends for an issue as it is now (or for its deletion).</summary>
    private string Webhook(TrackerIssueChange issue, bool deleted = false) => IsGitHub
        ? TrackerWebhooks.GitHub(deleted ? "deleted" : issue.Status is "done" or "not-doing" ? "closed" : "edited", issue)
        : TrackerWebhooks.Jira(deleted ? "jira:issue_deleted" : "jira:issue_updated", issue);

    private async Task DispatchUntilIdleAsync(string incident)
    {
        for (var pass = 0; pass < 10 && (await Replicas.ItemsAsync(incident)).Any(i => i.SyncState is SyncState.Pending); pass++)
        {
            Replicas.Time.Advance(TimeSpan.FromMinutes(2));
            await Replicas.DispatchAsync();
        }
    }

    private Task PostAsync(string incident, List<Posted> items)
    {
        var postmortem = PostmortemJson.Published();
        foreach (var item in items)
        {
            postmortem.WithItem(item.Id, item.Description, item.Owner, dueDate: item.Due);
        }

        return Replicas.PostAsync(incident, postmortem);
    }

    private sealed record Posted(string Id, string Description, string Owner, string Due);

    public sealed class OnSqlite() : TwoWaySyncSimulationTests(null, 300);

    /// <summary>The same schedules with GitHub's webhooks (its reader, its keys, no due dates).</summary>
    public sealed class OnSqliteWithGitHub() : TwoWaySyncSimulationTests(null, 200, "GitHub");

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : TwoWaySyncSimulationTests(postgres, 80);
}
