using Xunit.Sdk;

namespace IncidentBridge.Tests.Support;

/// <summary>The one way the tests wait for asynchronous work (TestSupport's <see cref="Eventually"/>).</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task Returns_the_first_result_that_is_done()
    {
        var probes = 0;

        var result = await Eventually.UntilAsync(() => Task.FromResult(++probes), n => n >= 3, "the third probe");

        Assert.Equal(3, result);
        Assert.Equal(3, probes);
    }

    [Fact]
    public async Task Fails_past_the_deadline_with_what_it_waited_for_the_last_result_and_the_context()
    {
        var wait = Eventually.UntilAsync(
            () => Task.FromResult(7), n => n == 8, "seven becomes eight", TimeSpan.FromMilliseconds(100), n => $"still {n}", () => "the server's log");

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => wait);

        Assert.Contains("seven becomes eight", failure.Message, StringComparison.Ordinal);
        Assert.Contains("still 7", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the server's log", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_counts_as_not_yet()
    {
        var probes = 0;

        var result = await Eventually.UntilAsync(
            () => ++probes < 3 ? throw new HttpRequestException("Connection refused") : Task.FromResult("up"), s => s == "up", "the server answers");

        Assert.Equal("up", result);
    }

    [Fact]
    public async Task Any_other_failure_of_the_probe_fails_at_once()
    {
        var probes = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Eventually.UntilAsync<int>(
            () => { probes++; throw new InvalidOperationException("broken probe"); }, _ => true, "never"));

        Assert.Equal(1, probes);
    }
}
