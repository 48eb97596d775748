using Fault = IncidentBridge.Tests.Support.FakeTracker.Fault;
using FaultKind = IncidentBridge.Tests.Support.FakeTracker.FaultKind;

namespace IncidentBridge.Tests.ActionItems;

/// <summary>
/// The faults a first month with a slow or lagging tracker brings, one at a time, each reproduced as the review of the
/// first round found it (<see cref="ExactlyOnceSimulationTests"/> mixes them at random). Replicas are dispatchers the
/// test drives on a fake clock, with a two-minute lease and a one-minute search settle.
/// </summary>
public abstract class ExactlyOnceTests(PostgresServer? postgres) : IAsyncLifetime
{
    private Replicas _replicas = null!;
    private string _incident = "";

    public async Task InitializeAsync()
    {
        _replicas = await Replicas.StartAsync(postgres);
        _incident = await _replicas.NewIncidentAsync(1);
    }

    public async Task DisposeAsync() => await _replicas.DisposeAsync();

    private FakeTracker Jira => _replicas.Tracker;

    [Fact]
    public async Task Replica_that_lost_its_lease_during_a_slow_create_creates_nothing_more()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItems(3));
        var slowOnce = true;
        Jira.Faults = operation => operation == "create" && slowOnce ? new Fault(FaultKind.Slow, TimeSpan.FromSeconds(130)) : Fault.None;
        Jira.Meanwhile = async () =>
        {
            slowOnce = false;

            // The first replica's lease ran out while its create was in flight: the second takes the batch over.
            await _replicas.DispatchAsync(1);
        };

        await _replicas.DispatchAsync(0);
        await SettleAsync();

        var items = await _replicas.ItemsAsync(_incident);
        Assert.All(items, i => Assert.Single(Jira.All, issue => issue.Marker == i.Marker));
        Assert.Equal(3, Jira.CreateCalls);
    }

    [Fact]
    public async Task Lost_create_is_not_made_again_while_the_search_still_lags_behind_it()
    {
        Jira.SearchLag = TimeSpan.FromSeconds(50);
        Jira.LoseNextCreateAnswer();
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));

        await _replicas.DispatchAsync();
        for (var i = 0; i < 5; i++)
        {
            // Retries come back every 10 s; the first round searched once ~10 s later, found nothing, and created again.
            _replicas.Time.Advance(TimeSpan.FromSeconds(10));
            await _replicas.DispatchAsync();
            Assert.Equal(0, Jira.SearchCalls);
        }

        await SettleAsync();
        var item = await _replicas.ItemAsync(_incident);
        Assert.Equal(Assert.Single(Jira.All).Key, item.TrackerKey);
        Assert.Equal(1, Jira.SearchCalls);
    }

    [Fact]
    public async Task Refused_close_after_a_create_keeps_the_issue_and_makes_no_second()
    {
        Jira.Faults = operation => operation == "status" ? new Fault(FaultKind.Refuse) : Fault.None;
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Roll back v2.3.1", "Bob", status: "done"));

        await _replicas.DispatchAsync();

        var refused = await _replicas.ItemAsync(_incident);
        Assert.Equal(SyncState.Rejected, refused.SyncState);
        Assert.Equal(Assert.Single(Jira.All).Key, refused.TrackerKey);
        Jira.Faults = null;
        await SettleAsync();
        Assert.Equal("done", Assert.Single(Jira.All).Status);
        Assert.Equal(1, Jira.CreateCalls);
        Assert.Equal(0, Jira.SearchCalls);
    }

    [Fact]
    public async Task Edit_made_while_the_create_is_in_flight_reaches_the_issue()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", "P2", "2026-12-20"));
        Jira.Faults = operation => operation == "create" ? new Fault(FaultKind.Slow, TimeSpan.FromSeconds(20)) : Fault.None;
        Jira.Meanwhile = () => _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the connection leak", "Carol", "P0", "2026-12-10"));

        await _replicas.DispatchAsync();
        await SettleAsync();

        var issue = Assert.Single(Jira.All).Request;
        Assert.Equal(("Fix the connection leak", "Carol", "P0", new DateOnly(2026, 12, 10)), (issue.Content.Description, issue.Content.Owner, issue.Priority, issue.DueDate));
        Assert.Equal(SyncState.Synced, (await _replicas.ItemAsync(_incident)).SyncState);
    }

    [Fact]
    public async Task Edit_made_while_an_update_is_in_flight_reaches_the_issue()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));
        await _replicas.DispatchAsync();
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak (edit 1)", "Bob"));
        Jira.Faults = operation => operation == "update" ? new Fault(FaultKind.Slow, TimeSpan.FromSeconds(20)) : Fault.None;
        Jira.Meanwhile = () => _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak (edit 2)", "Bob"));

        await _replicas.DispatchAsync();
        await SettleAsync();

        Assert.Equal("Fix the leak (edit 2)", Assert.Single(Jira.All).Request.Content.Description);
    }

    [Fact]
    public async Task Item_created_in_progress_is_in_progress_in_the_tracker_and_stays_so_after_a_sync()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Add pool metrics", "Bob", status: "in-progress"));

        await _replicas.DispatchAsync();
        await _replicas.RunAsync<StatusSyncJob>();

        Assert.Equal("in-progress", Assert.Single(Jira.All).Status);
        Assert.Equal("in-progress", (await _replicas.ItemAsync(_incident)).Status);
    }

    [Fact]
    public async Task Status_sync_does_not_take_open_from_an_issue_whose_in_progress_is_still_to_be_applied()
    {
        Jira.Faults = operation => operation == "status" ? new Fault(FaultKind.FailBefore) : Fault.None;
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Add pool metrics", "Bob", status: "in-progress"));
        await _replicas.DispatchAsync();

        await _replicas.RunAsync<StatusSyncJob>();

        Assert.Equal("in-progress", (await _replicas.ItemAsync(_incident)).Status);
        Jira.Faults = null;
        await SettleAsync();
        Assert.Equal("in-progress", Assert.Single(Jira.All).Status);
    }

    [Fact]
    public async Task Second_issue_with_the_same_marker_is_closed_as_a_duplicate_of_the_oldest()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));
        await _replicas.DispatchAsync();
        var item = await _replicas.ItemAsync(_incident);
        _replicas.Time.Advance(TimeSpan.FromMinutes(5));
        Jira.AddByHand(item.Marker, Assert.Single(Jira.All).Request);
        _replicas.Time.Advance(TimeSpan.FromMinutes(2));

        var result = await _replicas.RunAsync<StatusSyncJob>();
        await _replicas.RunAsync<StatusSyncJob>();

        var copy = Jira.All.Single(i => i.HandMade);
        Assert.True(copy.ClosedAsDuplicate);
        Assert.Contains(copy.Comments, c => c.Text.Contains(item.TrackerKey ?? "?", StringComparison.Ordinal));
        Assert.Equal(item.TrackerKey, (await _replicas.ItemAsync(_incident)).TrackerKey);
        Assert.Equal(1, result.Counts.GetValueOrDefault("duplicatesClosed"));
        var timeline = (await new IncidentsClient(_replicas.Worker).GetAsync(_incident)).GetProperty("timeline").EnumerateArray();
        Assert.Single(timeline, t => t.GetProperty("kind").GetString() == "action_item_duplicate");
        Assert.Contains("incidentbridge_action_item_duplicates_closed_total{tracker=\"Jira\"} 1", await _replicas.Worker.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item_that_lost_its_issue_to_an_older_duplicate_puts_its_text_and_status_on_the_older()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", status: "done"));
        var item = (await _replicas.ItemsAsync(_incident))[0];

        // An earlier, half-made attempt: the older issue exists but is open and says something else.
        var older = Jira.AddByHand(item.Marker, new NewTrackerIssue(item.Marker, "old", new IssueContent("old text", null, "Bob", _incident, "t", "p", "t", null, null), [], "P3", null, null, "open"));
        older.VisibleAt = _replicas.Time.GetUtcNow() + TimeSpan.FromHours(1);
        await _replicas.DispatchAsync();
        _replicas.Time.Advance(TimeSpan.FromHours(2));

        await _replicas.RunAsync<StatusSyncJob>();
        await SettleAsync();

        var now = await _replicas.ItemAsync(_incident);
        Assert.Equal(older.Key, now.TrackerKey);
        Assert.Equal(("Fix the leak", "done"), (older.Request.Content.Description, older.Status));
        Assert.True(Jira.All.Single(i => i.Key != older.Key).ClosedAsDuplicate);
    }

    [Fact]
    public async Task Own_issue_missing_from_a_lagging_search_is_not_taken_for_moved()
    {
        Jira.SearchLag = TimeSpan.FromMinutes(10);
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));
        await _replicas.DispatchAsync();
        var item = await _replicas.ItemAsync(_incident);
        var copy = Jira.AddByHand(item.Marker, Assert.Single(Jira.All).Request);
        copy.VisibleAt = _replicas.Time.GetUtcNow();

        var result = await _replicas.RunAsync<StatusSyncJob>();

        Assert.Equal(item.TrackerKey, (await _replicas.ItemAsync(_incident)).TrackerKey);
        Assert.True(copy.ClosedAsDuplicate);
        Assert.False(result.Counts.ContainsKey("moved"));
    }

    [Fact]
    public async Task Issue_found_by_its_marker_is_recorded_even_when_its_update_is_refused()
    {
        Jira.LoseNextCreateAnswer();
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));
        await _replicas.DispatchAsync();
        Jira.Faults = operation => operation == "update" ? new Fault(FaultKind.Refuse) : Fault.None;
        _replicas.Time.Advance(Replicas.Settle);

        await _replicas.DispatchAsync();

        var item = await _replicas.ItemAsync(_incident);
        Assert.Equal(Assert.Single(Jira.All).Key, item.TrackerKey);
        Assert.Equal(SyncState.Rejected, item.SyncState);
        Jira.Faults = null;
        await SettleAsync();
        Assert.Single(Jira.All);
        Assert.Equal(1, Jira.CreateCalls);
    }

    [Fact]
    public async Task Retry_after_longer_than_an_hour_is_capped_at_an_hour()
    {
        Jira.FailNextCreate(new TrackerUnavailableException("429 Too Many Requests", TimeSpan.FromDays(10)));
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob"));

        await _replicas.DispatchAsync();

        var wait = DateTimeOffset.FromUnixTimeMilliseconds((await _replicas.ItemAsync(_incident)).NextAttemptAt) - _replicas.Time.GetUtcNow();
        Assert.Equal(TimeSpan.FromHours(1), wait);
    }

    private async Task SettleAsync()
    {
        for (var pass = 0; pass < 20 && (await _replicas.ItemsAsync(_incident)).Any(i => i.SyncState != SyncState.Synced); pass++)
        {
            _replicas.Time.Advance(TimeSpan.FromMinutes(6));
            Jira.Pump();
            foreach (var replica in Enumerable.Range(0, _replicas.Dispatchers.Count))
            {
                await _replicas.DispatchAsync(replica);
            }
        }
    }

    public sealed class OnSqlite() : ExactlyOnceTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : ExactlyOnceTests(postgres);
}
