using IncidentBridge.Correlation;

namespace IncidentBridge.Tests.Correlation;

/// <summary>
/// Ingest takes a valid Alertmanager or Grafana body's group key from a quick check and runs the full read only when the
/// check is not sure: so the check must never accept a body the full read refuses, nor find another group key.
/// </summary>
public sealed class AlertmanagerBodyCheckTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly (AlertSender Sender, string Body)[] Seeds =
    [
        (AlertSender.Alertmanager, AlertmanagerWebhook.Firing("checkout").WithAlerts(3).ToJson().ToJsonString()),
        (AlertSender.Alertmanager, AlertmanagerWebhook.Resolved("payments").ToJson().ToJsonString()),
        (AlertSender.Alertmanager, TestAlert.Notification("{}/{team=\"a&b\"}:{alertname=\"<Disk>\"}", TestAlert.Firing("a1", T0), TestAlert.Firing("a2", T0).Resolved(T0.AddMinutes(5)))),
        (AlertSender.Grafana, GrafanaWebhook.Firing("checkout").ToString()),
        (AlertSender.Grafana, GrafanaWebhook.Resolved("search").ToString()),
    ];

    [Fact]
    public void The_bodies_senders_send_pass_the_quick_check_with_their_group_key()
    {
        foreach (var (sender, body) in Seeds)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var full = AlertmanagerPayloadParser.Parse(bytes, sender);
            Assert.True(full.Ok);
            Assert.True(AlertmanagerBodyCheck.TryGroupKey(bytes, sender, out var groupKey), body);
            Assert.Equal(full.Value.GroupKey, groupKey);
        }
    }

    [Fact]
    public void The_quick_check_accepts_nothing_the_full_read_refuses()
    {
        var accepted = 0;
        var refused = 0;
        for (var seed = 0; seed < 6_000; seed++)
        {
            var random = new Random(seed);
            var (sender, body) = HostileInput.Pick(random, Seeds);
            var mutated = HostileInput.Json(Encoding.UTF8.GetBytes(body), random);
            var other = random.Next(10) == 0 ? Other(sender) : sender;

            var full = AlertmanagerPayloadParser.Parse(mutated.Body, other);
            if (AlertmanagerBodyCheck.TryGroupKey(mutated.Body, other, out var groupKey))
            {
                Assert.True(full.Ok, $"seed {seed} ({mutated.Description}): the full read refuses it at {full.Error?.Field}: {full.Error?.Detail}");
                Assert.Equal(full.Value.GroupKey, groupKey);
                accepted++;
            }
            else if (!full.Ok)
            {
                refused++;
            }
        }

        // The corpus reaches both sides: many mutations keep a body valid, and many break it.
        Assert.InRange(accepted, 500, 6_000);
        Assert.InRange(refused, 1_000, 6_000);
    }

    [Theory]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"1"},"startsAt":"2026-03-01T10:00:00Z"}],"groupKey":"h"}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":null},"startsAt":"2026-03-01T10:00:00Z"}]}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"1"},"startsAt":"2026-03-01T10:00:00Z"}],"truncatedAlerts":null}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"\ud800"},"startsAt":"2026-03-01T10:00:00Z"}]}""")]
    [InlineData("""{"version":"4","groupKey":"","alerts":[{"status":"firing","labels":{"a":"1"},"startsAt":"2026-03-01T10:00:00Z"}]}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"pending","labels":{"a":"1"},"startsAt":"2026-03-01T10:00:00Z"}]}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{},"startsAt":"2026-03-01T10:00:00Z"}]}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"1"}}]}""")]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[]} """)]
    [InlineData("""{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"1"},"startsAt":"2026-03-01T10:00:00Z"}]} {}""")]
    public void The_quick_check_leaves_unusual_or_invalid_bodies_to_the_full_read(string body)
    {
        Assert.False(AlertmanagerBodyCheck.TryGroupKey(Encoding.UTF8.GetBytes(body), AlertSender.Alertmanager, out _));
    }

    private static AlertSender Other(AlertSender sender) => sender == AlertSender.Alertmanager ? AlertSender.Grafana : AlertSender.Alertmanager;
}
