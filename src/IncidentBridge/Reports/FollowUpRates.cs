namespace IncidentBridge.Reports;

/// <summary>
/// Postmortem completion (incidents with a published postmortem / incidents) and action item completion
/// (done items / items), over the incidents of the period. Zero when there is nothing to divide by.
/// </summary>
internal sealed record FollowUpRates(double PostmortemCompletionRate, double ActionItemCompletionRate)
{
    public static FollowUpRates From((long Incidents, long Published, long Items, long DoneItems) counts) => new(
        counts.Incidents == 0 ? 0 : (double)counts.Published / counts.Incidents,
        counts.Items == 0 ? 0 : (double)counts.DoneItems / counts.Items);
}
