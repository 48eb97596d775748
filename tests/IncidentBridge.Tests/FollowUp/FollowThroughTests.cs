using IncidentBridge.Tests.ActionItems;

namespace IncidentBridge.Tests.FollowUp;

/// <summary>
/// Nothing falls through: items without a due date get their priority's, every item that falls overdue is flagged
/// once (whenever that is), and items long overdue are escalated to the owner's lead, once. On a fake clock, against
/// the stateful fake tracker.
/// </summary>
public abstract class FollowThroughTests(PostgresServer? postgres) : IAsyncLifetime
{
    private Replicas _replicas = null!;
    private string _incident = "";

    public async Task InitializeAsync()
    {
        _replicas = await Replicas.StartAsync(postgres, dispatchers: 1, settings: new Dictionary<string, string?>
        {
            ["IncidentBridge:Owners:Bob:Email"] = "bob@acme.example",
            ["IncidentBridge:Owners:Bob:Aliases:0"] = "@bobby",
            ["IncidentBridge:Owners:Bob:Lead"] = "Carol",
            ["IncidentBridge:Owners:Carol:Email"] = "carol@acme.example",
        });
        _incident = await _replicas.NewIncidentAsync(7);
    }

    public async Task DisposeAsync() => await _replicas.DisposeAsync();

    private FakeTracker Jira => _replicas.Tracker;

    [Fact]
    public async Task Item_published_without_a_due_date_is_due_its_prioritys_days_after_publication()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Add disk alerts", "Bob", "P1", dueDate: null));

        var item = await _replicas.ItemAsync(_incident);

        Assert.Equal(("2026-12-15", DueDateSources.Policy), (item.DueDate, item.DueDateSource));
        await _replicas.DispatchAsync();
        Assert.Equal(new DateOnly(2026, 12, 15), Assert.Single(Jira.All).Request.DueDate);
    }

    [Fact]
    public async Task Item_that_falls_overdue_after_week_four_is_flagged_once()
    {
        await PublishAndDispatchAsync("Bob", "P3", "2027-02-01");
        _replicas.Time.Advance(TimeSpan.FromDays(30));
        await _replicas.RunAsync<FollowUpReviewJob>();
        Assert.Empty(Assert.Single(Jira.All).Comments);

        _replicas.Time.Advance(TimeSpan.FromDays(40));
        await _replicas.RunAsync<FollowUpReviewJob>();
        await _replicas.RunAsync<FollowUpReviewJob>();

        var issue = Assert.Single(Jira.All);
        Assert.Contains("overdue", issue.Labels);
        Assert.Single(issue.Comments, c => c.Purpose == "overdue");
    }

    [Fact]
    public async Task Overdue_item_without_an_issue_yet_is_flagged_once_it_has_one()
    {
        Jira.FailNextCreate(new IncidentBridge.Trackers.TrackerUnavailableException("503", TimeSpan.FromDays(3)));
        await PublishAndDispatchAsync("Bob", "P1", "2026-12-02");
        _replicas.Time.Advance(TimeSpan.FromDays(2));
        await _replicas.RunAsync<FollowUpReviewJob>();
        Assert.Null((await _replicas.ItemAsync(_incident)).OverdueFlaggedAt);

        _replicas.Time.Advance(TimeSpan.FromDays(2));
        await _replicas.DispatchAsync();
        await _replicas.RunAsync<FollowUpReviewJob>();

        Assert.Single(Assert.Single(Jira.All).Comments, c => c.Purpose == "overdue");
    }

    [Fact]
    public async Task Item_long_overdue_is_escalated_to_its_owners_lead_once()
    {
        await PublishAndDispatchAsync("@bobby", "P0", "2026-12-02");
        _replicas.Time.Advance(TimeSpan.FromDays(3));
        await _replicas.RunAsync<FollowUpReviewJob>();
        Assert.DoesNotContain(Assert.Single(Jira.All).Comments, c => c.Purpose == "escalation");

        _replicas.Time.Advance(TimeSpan.FromDays(2));
        var first = await _replicas.RunAsync<FollowUpReviewJob>();
        await _replicas.RunAsync<FollowUpReviewJob>();

        var escalation = Assert.Single(Assert.Single(Jira.All).Comments, c => c.Purpose == "escalation");
        Assert.Contains("Carol", escalation.Text, StringComparison.Ordinal);
        Assert.Equal(1, first.Counts.GetValueOrDefault("escalated"));
        Assert.NotNull((await _replicas.ItemAsync(_incident)).EscalatedAt);
    }

    [Fact]
    public async Task Item_nobody_will_do_is_neither_flagged_nor_escalated()
    {
        await PublishAndDispatchAsync("Bob", "P0", "2026-12-02");
        var item = await _replicas.ItemAsync(_incident);
        Jira.Change(item.Marker, ActionItemStatus.NotDoing, _replicas.Time.GetUtcNow());
        _replicas.Time.Advance(TimeSpan.FromDays(20));
        await _replicas.RunAsync<StatusSyncJob>();

        await _replicas.RunAsync<FollowUpReviewJob>();

        Assert.Equal(ActionItemStatus.NotDoing, (await _replicas.ItemAsync(_incident)).Status);
        Assert.Empty(Assert.Single(Jira.All).Comments);
    }

    [Fact]
    public async Task Item_nobody_will_do_is_left_out_of_the_completion_rate_and_counted_on_its_own()
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Add disk alerts", "Bob").WithItem("2", "Rewrite the pool", "Bob"));
        await _replicas.DispatchAsync();
        var items = await _replicas.ItemsAsync(_incident);
        Jira.Change(items[0].Marker, ActionItemStatus.Done, _replicas.Time.GetUtcNow());
        Jira.Change(items[1].Marker, ActionItemStatus.NotDoing, _replicas.Time.GetUtcNow());
        _replicas.Time.Advance(TimeSpan.FromHours(1));
        await _replicas.RunAsync<StatusSyncJob>();

        var report = await (await _replicas.Worker.CreateApiClient().GetAsync("/api/reports/metrics")).JsonAsync();

        Assert.Equal(1.0, report.GetProperty("actionItemCompletionRate").GetDouble());
        Assert.Equal(1, report.GetProperty("notDoing").GetInt64());
    }

    [Fact]
    public async Task Resolved_sev2_without_a_published_postmortem_after_48_hours_is_listed_as_postmortem_overdue()
    {
        var api = _replicas.Worker.CreateApiClient();
        async Task<List<string?>> OverdueAsync() =>
            (await (await api.GetAsync("/api/incidents?postmortem=overdue")).JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        var early = await OverdueAsync();
        _replicas.Time.Advance(TimeSpan.FromHours(49));

        var late = await OverdueAsync();
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Add disk alerts", "Bob"));

        Assert.Empty(early);
        Assert.Equal([_incident], late);
        Assert.Empty(await OverdueAsync());
        await (await api.GetAsync("/api/incidents?postmortem=late")).AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
    }

    /// <summary>Publishes the postmortem with one item, "Add disk alerts", and sends it to the tracker.</summary>
    private async Task PublishAndDispatchAsync(string owner, string priority, string dueDate)
    {
        await _replicas.PostAsync(_incident, PostmortemJson.Published().WithItem("1", "Add disk alerts", owner, priority, dueDate));
        await _replicas.DispatchAsync();
    }

    public sealed class OnSqlite() : FollowThroughTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : FollowThroughTests(postgres);
}
