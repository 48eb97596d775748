namespace IncidentBridge.Trackers.GitHub;

/// <summary>
/// Keeps GitHub's secondary rate limits (at most 80 content-creating requests a minute): mutating calls run one at a time and
/// start at least <c>writeSpacing</c> apart; after GitHub said "wait", every call is refused locally until then,
/// because more requests while limited can get the integration banned.
/// </summary>
internal sealed class GitHubRequestGate(TimeSpan writeSpacing, TimeProvider time)
{
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lock _pauseLock = new();
    private DateTimeOffset? _lastWriteStart;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    /// <summary>How long GitHub still wants us to wait, or null when calls may go ahead.</summary>
    public TimeSpan? RemainingPause()
    {
        lock (_pauseLock)
        {
            var remaining = _pausedUntil - time.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : null;
        }
    }

    public void PauseFor(TimeSpan wait)
    {
        lock (_pauseLock)
        {
            var until = time.GetUtcNow() + wait;
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }
    }

    public async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            if (_lastWriteStart is { } last)
            {
                var wait = last + writeSpacing - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
            }

            // The start counts, not the end: GitHub's limit is on requests made, whatever their outcome.
            _lastWriteStart = time.GetUtcNow();
            return await write();
        }
        finally
        {
            _writes.Release();
        }
    }
}
