namespace IncidentBridge.IntegrationTests.Support;

internal static class TestTimeout
{
    /// <summary>Bounds a whole test, so a hung child process fails the test instead of the run.</summary>
    public static CancellationTokenSource Start() => new(TimeSpan.FromSeconds(60));
}
