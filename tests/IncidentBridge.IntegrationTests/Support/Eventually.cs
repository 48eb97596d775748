using System.Text;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>Waits for asynchronous results by polling with a deadline (never a bare delay).</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="done"/> holds. A probe's <see cref="HttpRequestException"/>
    /// counts as "not yet" (a process may still be starting); on timeout the last result and the processes' output are shown.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string because,
        Func<CancellationToken, Task<T>> probe,
        Func<T, bool> done,
        IReadOnlyList<IProcessLog> logs,
        CancellationToken cancellationToken,
        Func<T, string>? describe = null,
        TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var last = "(no result yet)";
        while (true)
        {
            try
            {
                var result = await probe(cancellationToken);
                if (done(result))
                {
                    return result;
                }

                last = describe?.Invoke(result) ?? result?.ToString() ?? "null";
            }
            catch (HttpRequestException ex)
            {
                last = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {because}.\nLast result: {last}\n{Format(logs)}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }

    public static string Format(IReadOnlyList<IProcessLog> logs)
    {
        var text = new StringBuilder();
        foreach (var log in logs)
        {
            text.AppendLine($"----- {log.Name} output -----").Append(log.Output);
        }

        return text.ToString();
    }
}
