using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Reports;

/// <summary>
/// The incidents the report tests measure, on the day of <see cref="TestAlert.T0"/>: payments paged at 10:00 (SEV1, acked
/// after 5 min, resolved after 30), payments paged at 12:00 (SEV2, acked after 1 min, resolved after 60), and checkout's
/// alert at 18:00 (SEV3, still open). MTTA 180 s, MTTR 2,700 s, MTBF 4 h (payments alone: 2 h).
/// </summary>
internal static class ReportScenario
{
    public static async Task PostAsync(IncidentsClient incidents)
    {
        var a = T0.AddHours(2);
        await PageAsync(incidents, "PA", a, "incident.triggered", a, "P1");
        await PageAsync(incidents, "PA", a, "incident.acknowledged", a.AddMinutes(5), "P1");
        await PageAsync(incidents, "PA", a, "incident.resolved", a.AddMinutes(30), "P1");
        var b = T0.AddHours(4);
        await PageAsync(incidents, "PB", b, "incident.triggered", b, "P2");
        await PageAsync(incidents, "PB", b, "incident.acknowledged", b.AddMinutes(1), "P2");
        await PageAsync(incidents, "PB", b, "incident.resolved", b.AddMinutes(60), "P2");
        await incidents.AlertsAsync("g", Firing("a1", T0.AddHours(10)));
    }

    /// <summary>A PagerDuty page for the payments service, <paramref name="incident"/> created at <paramref name="createdAt"/>.</summary>
    public static Task PageAsync(IncidentsClient incidents, string incident, DateTimeOffset createdAt, string type, DateTimeOffset at, string priority) =>
        incidents.PageAsync(PagerDutyEvent.Of(type).ForIncident(incident).CreatedAt(createdAt).At(at).WithIncidentKey(null).OnService("payments").WithPriority(priority));
}
