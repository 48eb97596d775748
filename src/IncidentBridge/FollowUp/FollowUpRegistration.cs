using IncidentBridge.FollowUp.Email;
using IncidentBridge.Inbox;
using IncidentBridge.Trackers.GitHub;
using IncidentBridge.Trackers.Jira;

namespace IncidentBridge.FollowUp;

internal static class FollowUpRegistration
{
    /// <summary>The three follow-up jobs and what they need; the scheduler that runs them is <c>AddFollowUpJobs</c>.</summary>
    public static WebApplicationBuilder AddFollowUp(this WebApplicationBuilder builder)
    {
        builder.AddEmail();
        builder.Services.AddValidatedOptions<FollowUpOptions, FollowUpOptionsValidator>(FollowUpOptions.Section);
        builder.Services.AddSingleton<FollowUpStore>();
        builder.Services.AddSingleton<FollowUpMetrics>();
        builder.Services.AddSingleton<TrackerStateApplier>();
        builder.Services.AddSingleton<IFollowUpJob, StatusSyncJob>();
        // Jira's and GitHub's webhooks leave the inbox here: one handler per tracker source.
        builder.Services.AddSingleton<IDeliveryHandler>(sp => ActivatorUtilities.CreateInstance<TrackerEventHandler>(sp, sp.GetRequiredService<JiraWebhookReader>()));
        builder.Services.AddSingleton<IDeliveryHandler>(sp => ActivatorUtilities.CreateInstance<TrackerEventHandler>(sp, sp.GetRequiredService<GitHubWebhookReader>()));
        builder.Services.AddSingleton<IFollowUpJob, FollowUpReviewJob>();
        builder.Services.AddSingleton<IFollowUpJob, OverdueDigestJob>();
        return builder;
    }

    /// <summary>Creates the follow-up gauges, which nothing else depends on, so that <c>/metrics</c> shows them from the start.</summary>
    public static WebApplication UseFollowUpMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<FollowUpMetrics>();
        return app;
    }
}
