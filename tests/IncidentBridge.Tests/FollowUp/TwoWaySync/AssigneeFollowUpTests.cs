using IncidentBridge.Tests.FollowUp.Email;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.FollowUp.TwoWaySync;

/// <summary>
/// An issue reassigned in Jira takes its item's follow-up with it: the weekly digest and the escalation go to the
/// person doing the work, not to the one the postmortem named. A fake Jira, a real SMTP server, the clock on a Monday.
/// </summary>
public sealed class AssigneeFollowUpTests : IAsyncLifetime
{
    private FollowUpWorld _world = null!;

    public async Task InitializeAsync()
    {
        var settings = TrackerWebhooks.Settings();
        settings["IncidentBridge:Owners:Carol:Lead"] = "Dave";
        _world = await FollowUpWorld.StartAsync(null, settings);
        await _world.Incidents.AlertsAsync("g", Firing("a1", FollowUpWorld.Monday.AddHours(-2)));
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Digest_and_escalation_go_to_the_assignee_the_tracker_names()
    {
        await _world.PublishAsync("INC-2026-0001", PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob", priority: "P1", dueDate: "2026-11-01"));
        var reassigned = _world.Jira.Edit(_world.Key("Fix the leak"), _world.Time.GetUtcNow(), assignee: TrackerWebhooks.CarolJira);
        var posted = await _world.Worker.CreateClient().PostJiraAsync(TrackerWebhooks.Jira("jira:issue_updated", reassigned));
        await Deliveries.ProcessedAsync(_world.Api, await posted.DeliveryIdAsync());

        await _world.RunAsync("follow-up-review");
        await _world.RunAsync("overdue-digest");

        var mails = _world.NewMails();
        Assert.Equal(["carol@acme.example", "dave@acme.example"], mails.Select(m => m.To()).Order(StringComparer.Ordinal));
        Assert.Contains(mails.Single(m => m.To() == "carol@acme.example").Entries(), e => e.Section == "Overdue" && e.Entry.Contains("Fix the leak", StringComparison.Ordinal));
        Assert.Contains(mails.Single(m => m.To() == "dave@acme.example").Entries(), e => e.Section == "Escalated to you" && e.Entry.Contains("Fix the leak", StringComparison.Ordinal));
    }
}
