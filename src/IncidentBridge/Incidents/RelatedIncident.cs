namespace IncidentBridge.Incidents;

/// <summary>An earlier incident this one repeats, and how its follow-ups stand: open action items and, of those, overdue.</summary>
internal sealed record RelatedIncident(string IncidentId, long OpenItems, long OverdueItems)
{
    public string Describe() => $"related to {IncidentId}: {OpenItems} action item{(OpenItems == 1 ? "" : "s")} open, {OverdueItems} overdue";
}
