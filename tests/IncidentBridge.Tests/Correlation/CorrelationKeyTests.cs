using IncidentBridge.Correlation;

namespace IncidentBridge.Tests.Correlation;

/// <summary>
/// A notification's alerts share the digests of their correlation labels (<see cref="CorrelationKey.Of"/> with
/// <c>known</c>): each alert must still get exactly the digest it gets alone, whatever came before it.
/// </summary>
public sealed class CorrelationKeyTests
{
    private static readonly string[] Keys = ["service", "cluster"];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Alerts_of_a_notification_get_the_digest_each_gets_alone(int seed)
    {
        var random = new Random(seed);
        string? Pick(params string?[] values) => values[random.Next(values.Length)];
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 200; i++)
        {
            var labels = new Dictionary<string, string> { ["alertname"] = $"A{random.Next(5)}" };
            foreach (var (key, value) in new[] { ("service", Pick("checkout", "billing", "", null)), ("cluster", Pick("eu-1", "us-1", null)), ("team", Pick("payments", null)) })
            {
                if (value is not null)
                {
                    labels[key] = value;
                }
            }

            Assert.Equal(CorrelationKey.Of(labels, Keys), CorrelationKey.Of(labels, Keys, known));
        }
    }

    [Fact]
    public void Alerts_share_a_digest_only_when_every_correlation_label_agrees()
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Of(params (string Key, string Value)[] labels) => CorrelationKey.Of(labels.ToDictionary(l => l.Key, l => l.Value), Keys, known);

        var checkoutEu = Of(("service", "checkout"), ("cluster", "eu-1"), ("alertname", "HighErrorRate"));
        Assert.NotNull(checkoutEu);
        Assert.Equal(checkoutEu, Of(("service", "checkout"), ("cluster", "eu-1"), ("alertname", "HighLatency")));
        Assert.NotEqual(checkoutEu, Of(("service", "checkout"), ("cluster", "us-1")));
        Assert.NotEqual(checkoutEu, Of(("service", "checkout")));
        Assert.NotEqual(checkoutEu, Of(("service", "billing"), ("cluster", "eu-1")));
        Assert.Null(Of(("alertname", "HighErrorRate")));
        Assert.Null(Of(("service", ""), ("alertname", "HighErrorRate")));
    }
}
