namespace IncidentBridge.FollowUp;

/// <summary>Collects a run's counts and problems as it goes, so every job reports the same way.</summary>
internal sealed class JobResultBuilder(string job, DateTimeOffset startedAt)
{
    private readonly Dictionary<string, long> _counts = [];
    private readonly List<string> _problems = [];

    public DateTimeOffset StartedAt { get; } = startedAt;

    public void Add(string count, long by = 1) => _counts[count] = _counts.GetValueOrDefault(count) + by;

    public void Problem(string problem) => _problems.Add(problem);

    public JobResult Build(DateTimeOffset finishedAt, string summary) => new(job, StartedAt, finishedAt, summary, _counts, _problems);

    public long this[string count] => _counts.GetValueOrDefault(count);
}
