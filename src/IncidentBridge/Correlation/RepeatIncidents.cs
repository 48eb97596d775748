namespace IncidentBridge.Correlation;

/// <summary>
/// An incident that repeats an earlier one (same service and alertname) whose action items are still open is
/// the clearest sign that follow-ups matter: the new incident's timeline says so when it opens, and the
/// incident API and the overdue digest show the link.
/// </summary>
internal static class RepeatIncidents
{
    /// <param name="append">Where the timeline entry goes: the notification's, written with the rest of its entries.</param>
    public static async Task NoteAsync(DbTransaction tx, IncidentRow incident, long atMs, DateOnly today, Action<NewTimelineEntry> append)
    {
        if (incident.Service is not { } service || incident.Alertname is not { } alertname)
        {
            return;
        }

        var related = await IncidentStore.FindOpenFollowUpsOfInAsync(tx, incident.Id, service, alertname, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (related is null)
        {
            return;
        }

        await IncidentStore.SetRelatedInAsync(tx, incident.Id, related.IncidentId);
        append(new(incident.Id, atMs, TimelineKinds.Repeat, $"Repeat incident: {related.Describe()}", null, $"repeat:{related.IncidentId}"));
    }
}
