using Dapper;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Correlation;

/// <summary>
/// A notification's alerts are correlated one after the other, reading the group key's incident once and keeping it as
/// they change it (<c>AlertCorrelator.Notification</c>). So whether alerts arrive together or each in a notification of
/// its own, in the same order, must make the same incidents, alerts, links and timelines: checked on random histories
/// (fixed seeds) of flapping, resolving, re-firing and escalating alerts across group keys that share fingerprints and
/// correlation labels.
/// </summary>
public sealed class NotificationEquivalenceTests
{
    private static readonly string[] GroupKeys =
    [
        "{}:{alertname=\"HighErrorRate\", service=\"checkout\"}",
        "{}:{alertname=\"HighLatency\", service=\"checkout\"}",
        "{}:{alertname=\"DiskFull\", service=\"billing\"}",
    ];

    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 16)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public Task Alerts_sent_together_make_what_they_make_sent_one_by_one(int seed) => SameEitherWayAsync(History(new Random(seed)));

    [Fact]
    public Task Alert_resolving_its_incident_then_another_firing_in_the_same_notification_reopens_it_as_one_by_one() =>
        SameEitherWayAsync(
        [
            (GroupKeys[0], [Firing("f1", T0)]),
            // A late copy of an older firing: it changes nothing, but the group key's incident is read for it.
            (GroupKeys[0], [Firing("f1", T0.AddMinutes(-1)), Firing("f1", T0).Resolved(T0.AddMinutes(5)), Firing("f2", T0.AddMinutes(10))]),
        ]);

    private static async Task SameEitherWayAsync(List<(string GroupKey, TestAlert[] Alerts)> history)
    {
        await using var together = new WorkerFactory(time: new FakeTimeProvider(T0.AddDays(1)));
        await using var oneByOne = new WorkerFactory(time: new FakeTimeProvider(T0.AddDays(1)));
        var (a, b) = (new IncidentsClient(together), new IncidentsClient(oneByOne));

        foreach (var (groupKey, alerts) in history)
        {
            await a.AlertsAsync(groupKey, alerts);
            foreach (var alert in alerts)
            {
                await b.AlertsAsync(groupKey, alert);
            }
        }

        var expected = await StateAsync(oneByOne);
        Assert.NotEmpty(expected[0]);
        Assert.Equal(expected, await StateAsync(together));
    }

    private static List<(string GroupKey, TestAlert[] Alerts)> History(Random random)
    {
        var history = new List<(string, TestAlert[])>();
        for (var step = 0; step < 10; step++)
        {
            var alerts = Enumerable.Range(0, random.Next(1, 7)).Select(_ =>
            {
                var startsAt = T0.AddMinutes(random.Next(0, 180));
                var alert = Firing($"f{random.Next(0, 4)}", startsAt)
                    .Severity(Severities[random.Next(Severities.Length)])
                    .Service(random.Next(3) == 0 ? "billing" : "checkout");
                return random.Next(2) == 0 ? alert.Resolved(startsAt.AddMinutes(random.Next(1, 90))) : alert;
            });
            history.Add((GroupKeys[random.Next(GroupKeys.Length)], [.. alerts]));
        }

        return history;
    }

    /// <summary>Everything correlation writes, without the times the worker stamps on its own clock.</summary>
    private static async Task<List<string>[]> StateAsync(WorkerFactory worker)
    {
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);
        async Task<List<string>> RowsAsync(string sql) => [.. (await connection.QueryAsync<string>(sql)).Order(StringComparer.Ordinal)];
        return
        [
            await RowsAsync("SELECT id || '|' || title || '|' || severity || '|' || status || '|' || started_at || '|' || COALESCE(resolved_at, -1) || '|' || status_changed_at || '|' || last_activity_at || '|' || COALESCE(correlation_hash, '') FROM incidents"),
            await RowsAsync("SELECT incident_id || '|' || fingerprint || '|' || group_key || '|' || status || '|' || starts_at || '|' || COALESCE(ends_at, -1) || '|' || labels FROM incident_alerts"),
            await RowsAsync("SELECT incident_id || '|' || kind || '|' || key FROM incident_sources"),
            await RowsAsync("SELECT incident_id || '|' || at || '|' || kind || '|' || message || '|' || dedup_key FROM incident_timeline"),
        ];
    }
}
