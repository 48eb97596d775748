using IncidentBridge.Correlation;
using IncidentBridge.FollowUp;
using IncidentBridge.FollowUp.Scheduling;
using IncidentBridge.Inbox;
using IncidentBridge.Ingest;
using IncidentBridge.Postmortems;
using IncidentBridge.Reports;
using IncidentBridge.Trackers.GitHub;
using IncidentBridge.Trackers.Jira;

namespace IncidentBridge;

/// <summary>The composition root: one line per feature, in the order the data flows.</summary>
internal static class IncidentBridgeApp
{
    public static WebApplicationBuilder AddIncidentBridge(this WebApplicationBuilder builder) =>
        builder.AddConfigFiles()
            .AddLogging()
            .AddOperations()
            .AddStorage()
            .AddApi()
            .AddIngest()
            .AddInbox()
            .AddCorrelation()
            .AddIncidents()
            .AddPostmortems()
            .AddReports()
            .AddActionItems()
            .AddJira()
            .AddGitHub()
            .AddFollowUp()
            .AddFollowUpJobs()
            .AddOpenApiDescription();

    public static WebApplication UseIncidentBridge(this WebApplication app)
    {
        app.UseOperations();
        app.MapOperations();
        app.MapIngest();
        app.MapDeliveriesApi();
        app.MapIncidentsApi();
        app.MapReportsApi();
        app.MapPostmortemsApi();
        app.MapActionItemsApi();
        app.MapJobsApi();
        app.UseFollowUpMetrics();
        app.MapOpenApiDescription();
        return app;
    }
}
