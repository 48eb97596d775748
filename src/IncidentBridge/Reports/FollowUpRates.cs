namespace IncidentBridge.Reports;

/// <summary>
/// Postmortem completion (incidents with a published postmortem / incidents) and action item completion
/// (done items / items). Zero until postmortems are taken in.
/// </summary>
internal sealed record FollowUpRates(double PostmortemCompletionRate, double ActionItemCompletionRate)
{
    public static FollowUpRates None { get; } = new(0, 0);
}
