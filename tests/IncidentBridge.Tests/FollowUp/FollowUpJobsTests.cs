using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.FollowUp;

/// <summary>
/// The three follow-up jobs run through <c>POST /api/jobs/{name}/run</c> in a <see cref="FollowUpWorld"/>: a worker whose
/// clock is a fake, against a fake tracker and a real SMTP server. On both providers:
/// <see cref="OnSqlite"/> and <see cref="OnPostgres"/> run the same tests.
/// </summary>
public abstract class FollowUpJobsTests(PostgresServer? postgres) : FollowUpWorldTests(postgres, Settings)
{
    private const string Incident = "INC-2026-0001";
    private static readonly DateTimeOffset Published = FollowUpWorld.Monday;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["IncidentBridge:Owners:Bob:Email"] = "bob@acme.example",
        ["IncidentBridge:Owners:Carol:Email"] = "carol@acme.example",
    };

    private protected override async Task StartedAsync() => await World.Incidents.AlertsAsync("g", Firing("a1", Published.AddHours(-2)));

    public sealed class OnSqlite() : FollowUpJobsTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : FollowUpJobsTests(postgres);

    [Fact]
    public async Task Status_sync_brings_back_tracker_states_and_asks_only_for_changes()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob").WithItem("2", "Add metrics", "Carol"));
        var (marker, _) = MarkerOf("Fix the leak");
        World.Jira.Change(marker, "done", Published.AddDays(1));
        World.Time.Advance(TimeSpan.FromDays(2));

        var first = await World.RunAsync("status-sync");
        var afterFirst = World.Jira.LastSince;
        var second = await World.RunAsync("status-sync");

        Assert.Equal("done", (await World.ItemAsync("Fix the leak")).GetProperty("status").GetString());
        Assert.Equal("open", (await World.ItemAsync("Add metrics")).GetProperty("status").GetString());
        Assert.Equal(1, first.GetProperty("counts").GetProperty("updated").GetInt64());
        // The first sync asks from the target's first item (less an hour), not for the project's whole history.
        Assert.Equal(World.Time.GetUtcNow().AddDays(-2).AddHours(-1), afterFirst);
        Assert.Equal(Published.AddDays(1), World.Jira.LastSince);
        Assert.False(second.GetProperty("counts").TryGetProperty("updated", out _));
        var timeline = (await World.Incidents.GetAsync("INC-2026-0001")).GetProperty("timeline").EnumerateArray();
        Assert.Contains(timeline, t => t.GetProperty("kind").GetString() == "action_item_status");
    }

    [Fact]
    public async Task Week_four_review_flags_exactly_the_overdue_items_once()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published()
            .WithItem("1", "Fix the leak", "Bob", dueDate: "2026-11-30")
            .WithItem("2", "Add metrics", "Carol", dueDate: "2027-03-01")
            .WithItem("3", "Write runbook", "Carol", dueDate: "2026-11-25"));
        var (_, doneKey) = MarkerOf("Write runbook");
        World.Jira.Change(MarkerOf("Write runbook").Marker, "done", Published.AddDays(1));
        await World.RunAsync("status-sync");

        var early = await World.RunAsync("follow-up-review");
        World.Time.Advance(TimeSpan.FromDays(28));
        var review = await World.RunAsync("follow-up-review");
        var again = await World.RunAsync("follow-up-review");

        Assert.False(early.GetProperty("counts").TryGetProperty("reviewed", out _));
        Assert.Equal(1, review.GetProperty("counts").GetProperty("flagged").GetInt64());
        var flagged = Assert.Single(World.Jira.Flagged);
        Assert.Equal(MarkerOf("Fix the leak").Key, flagged.Key);
        Assert.NotEqual(doneKey, flagged.Key);
        Assert.Contains("overdue", flagged.Comment, StringComparison.Ordinal);
        Assert.False(again.GetProperty("counts").TryGetProperty("flagged", out _));
        var stored = (await (await World.Api.GetAsync("/api/postmortems/PM-2026-0001")).JsonAsync()).GetProperty("review");
        Assert.Equal(1, stored.GetProperty("done").GetInt32());
        Assert.Equal(2, stored.GetProperty("open").GetInt32());
        Assert.Equal(1, stored.GetProperty("overdue").GetInt32());
        Assert.True((await World.ItemAsync("Fix the leak")).GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task Digest_sends_one_email_per_owner_with_overdue_items_and_none_to_others()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published()
            .WithItem("1", "Fix the leak", "Bob", dueDate: "2026-11-25")
            .WithItem("2", "Add pool metrics", "Bob", dueDate: "2026-11-27")
            .WithItem("3", "Write runbook", "Carol", dueDate: "2026-11-26")
            .WithItem("4", "Chaos drill", "Dave@acme.example", dueDate: "2027-03-01"));
        World.Time.Advance(TimeSpan.FromDays(7));

        var run = await World.RunAsync("overdue-digest");

        Assert.Equal(2, run.GetProperty("counts").GetProperty("sent").GetInt64());
        var mails = World.Smtp.Received();
        Assert.Equal(2, mails.Count);
        var bob = mails.Single(m => m.Recipients.Contains("bob@acme.example"));
        Assert.Contains("Fix the leak", bob.Text, StringComparison.Ordinal);
        Assert.Contains("Add pool metrics", bob.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Write runbook", bob.Text, StringComparison.Ordinal);
        Assert.Contains("INC-2026-0001", bob.Text, StringComparison.Ordinal);
        Assert.Contains("5 days overdue", bob.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(mails, m => m.Recipients.Contains("dave@acme.example"));
    }

    [Fact]
    public async Task Digest_is_sent_once_a_week_unless_forced()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", dueDate: "2026-11-25"));
        World.Time.Advance(TimeSpan.FromDays(7));
        await World.RunAsync("overdue-digest");

        var again = await World.RunAsync("overdue-digest");
        var forced = await World.RunAsync("overdue-digest", force: true);

        Assert.Equal(1, again.GetProperty("counts").GetProperty("skipped").GetInt64());
        Assert.Equal(1, forced.GetProperty("counts").GetProperty("sent").GetInt64());
        Assert.Equal(2, World.Smtp.Received().Count);
    }

    [Fact]
    public async Task Owner_without_an_email_address_is_reported_not_skipped()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Eve", dueDate: "2026-11-25"));
        World.Time.Advance(TimeSpan.FromDays(7));

        var run = await World.RunAsync("overdue-digest");

        Assert.Equal(1, run.GetProperty("counts").GetProperty("failed").GetInt64());
        Assert.Contains(run.GetProperty("problems").EnumerateArray(), p => p.GetString()?.Contains("'Eve'", StringComparison.Ordinal) == true);
        Assert.Empty(World.Smtp.Received());
    }

    [Fact]
    public async Task Repeat_incident_says_which_earlier_incident_still_has_open_follow_ups()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", dueDate: "2026-11-25").WithItem("2", "Add metrics", "Carol", dueDate: "2027-01-01"));
        await World.Incidents.AlertsAsync("g", Firing("a1", Published.AddHours(-2)).Resolved(Published.AddHours(-1)));
        World.Time.Advance(TimeSpan.FromDays(7));

        await World.Incidents.AlertsAsync("g", Firing("a1", Published.AddDays(7)));

        var repeat = await World.Incidents.GetAsync("INC-2026-0002");
        var related = repeat.GetProperty("relatedTo");
        Assert.Equal("INC-2026-0001", related.GetProperty("incidentId").GetString());
        Assert.Equal(2, related.GetProperty("openItems").GetInt64());
        Assert.Equal(1, related.GetProperty("overdueItems").GetInt64());
        Assert.Contains(repeat.GetProperty("timeline").EnumerateArray(), t =>
            t.GetProperty("kind").GetString() == "repeat" && t.GetProperty("message").GetString()?.Contains("INC-2026-0001: 2 action items open, 1 overdue", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Follow_up_figures_are_on_metrics_and_in_the_report()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", "P1", "2026-11-25").WithItem("2", "Add metrics", "Carol", "P2", "2027-03-01"));
        World.Time.Advance(TimeSpan.FromDays(7));

        var metrics = await World.Worker.CreateClient().GetStringAsync("/metrics");
        var report = await (await World.Api.GetAsync("/api/reports/metrics?from=2026-11-01&to=2026-12-31")).JsonAsync();

        Assert.Contains("incidentbridge_action_items{state=\"overdue\",team=\"none\",priority=\"P1\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_action_items{state=\"open\",team=\"none\",priority=\"P2\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("incidentbridge_action_items_open_by_age{age_days=\"0-7\"} 2", metrics, StringComparison.Ordinal);
        var followUp = report.GetProperty("followUp");
        Assert.Equal(2, followUp.GetProperty("total").GetProperty("open").GetInt32());
        Assert.Equal(1, followUp.GetProperty("byOwner").GetProperty("Bob").GetProperty("overdue").GetInt32());
    }

    [Fact]
    public async Task Metrics_carry_no_owner_and_one_series_per_state_team_and_priority_however_many_owners()
    {
        await World.Incidents.AlertsAsync("g2", Firing("b1", Published.AddHours(-1)).Service("payments").With("team", "payments"));
        var postmortem = PostmortemJson.Published();
        for (var i = 1; i <= 40; i++)
        {
            postmortem.WithItem($"{i}", $"Action {i}", i % 2 == 0 ? $"Owner {i}" : $"owner{i}@acme.example", i <= 10 ? "P1" : "P2", i <= 4 ? "2026-11-25" : "2027-03-01");
        }

        await World.PublishAsync("INC-2026-0002", postmortem);
        World.Time.Advance(TimeSpan.FromDays(7));

        var exposition = await World.Worker.CreateClient().GetStringAsync("/metrics");

        Assert.DoesNotContain("owner=", exposition, StringComparison.Ordinal);
        Assert.DoesNotContain("acme.example", exposition, StringComparison.Ordinal);
        Assert.DoesNotContain("Owner 2", exposition, StringComparison.Ordinal);
        Assert.Equal(6, exposition.Split('\n').Count(line => line.StartsWith("incidentbridge_action_items{", StringComparison.Ordinal)));
        var metrics = PrometheusText.Parse(exposition);
        Assert.Equal(10, metrics.Sum("incidentbridge_action_items", ("state", "open"), ("team", "payments"), ("priority", "P1")));
        Assert.Equal(4, metrics.Sum("incidentbridge_action_items", ("state", "overdue"), ("team", "payments"), ("priority", "P1")));
        Assert.Equal(30, metrics.Sum("incidentbridge_action_items", ("state", "open"), ("team", "payments"), ("priority", "P2")));
        Assert.Equal(0, metrics.Sum("incidentbridge_action_items", ("state", "done")));
        Assert.Equal(40, metrics.Sum("incidentbridge_action_items_open_by_age", ("age_days", "0-7")) + metrics.Sum("incidentbridge_action_items_open_by_age", ("age_days", "8-28")));
    }

    [Fact]
    public async Task Item_gauges_are_counted_again_only_once_their_cache_has_run_out()
    {
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", "P1", "2027-01-01"));
        var first = await OpenItemsOnMetricsAsync();
        await World.PublishAsync(Incident, PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", "P1", "2027-01-01").WithItem("2", "Add metrics", "Carol", "P1", "2027-01-01"));

        var cached = await OpenItemsOnMetricsAsync();
        World.Time.Advance(IncidentBridge.FollowUp.FollowUpMetrics.ItemGaugesFor);
        var recounted = await OpenItemsOnMetricsAsync();

        Assert.Equal((1d, 1d, 2d), (first, cached, recounted));
    }

    [Fact]
    public async Task Unknown_job_is_404() =>
        await (await World.Api.PostAsync("/api/jobs/cleanup/run", null)).AssertProblemAsync(HttpStatusCode.NotFound);

    private async Task<double> OpenItemsOnMetricsAsync() =>
        PrometheusText.Parse(await World.Worker.CreateClient().GetStringAsync("/metrics")).Sum("incidentbridge_action_items", ("state", "open"));

    private (string Marker, string Key) MarkerOf(string description)
    {
        var issue = World.Jira.Issues.Single(i => i.Request.Content.Description == description);
        return (issue.Request.Marker, issue.Issue.Key);
    }
}
