namespace IncidentBridge.FollowUp;

/// <summary><paramref name="Force"/>: do it again even if this period's run already happened (the digest's <c>?force=true</c>).</summary>
internal sealed record JobRunOptions(bool Force);
