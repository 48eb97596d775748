namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// How many times one request message went on the wire: once, plus each retry of the resilience handler, which
/// the client cannot otherwise see. Status sync reports it (<see cref="TrackerChanges.Requests"/>).
/// </summary>
internal sealed class JiraRequestCount
{
    private int _retries;

    public int Sent => 1 + Volatile.Read(ref _retries);

    public void Retried() => Interlocked.Increment(ref _retries);
}
