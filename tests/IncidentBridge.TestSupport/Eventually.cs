namespace IncidentBridge.TestSupport;

/// <summary>Waits for asynchronous work by polling with a deadline (never a bare delay).</summary>
public static class Eventually
{
    /// <summary>Generous: only a failing test waits this long, and a child process on a busy machine is slow to start.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="done"/> holds, and returns that result. Past the deadline the
    /// test fails with <paramref name="because"/>, the last result (through <paramref name="describe"/>, else its
    /// <c>ToString</c>) and <paramref name="context"/> (e.g. the output of the processes involved). A probe's
    /// <see cref="HttpRequestException"/> counts as "not yet": the server it asks may still be starting.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> done,
        string because,
        TimeSpan? timeout = null,
        Func<T, string>? describe = null,
        Func<string>? context = null,
        CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var last = "(no result yet)";
        while (true)
        {
            try
            {
                var result = await probe();
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
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {because}.\nLast result: {last}\n{context?.Invoke()}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }
}
