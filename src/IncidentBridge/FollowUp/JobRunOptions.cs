namespace IncidentBridge.FollowUp;

/// <summary>
/// <paramref name="Force"/>: do it again even if this period's run already happened (the digest's <c>?force=true</c>).
/// <paramref name="CatchUp"/>: a catch-up fire (<c>Jobs:OverdueDigest:CatchUpCron</c>): complete this period's run if it
/// was cut short or failed, and do nothing if the period's run has not started; jobs without a catch-up ignore it.
/// </summary>
internal sealed record JobRunOptions(bool Force, bool CatchUp = false);
