using IncidentBridge.FollowUp.Email;

namespace IncidentBridge.FollowUp;

internal static class FollowUpRegistration
{
    /// <summary>The three follow-up jobs and what they need; the scheduler that runs them is <c>AddFollowUpJobs</c>.</summary>
    public static WebApplicationBuilder AddFollowUp(this WebApplicationBuilder builder)
    {
        builder.AddEmail();
        builder.Services.AddSingleton<FollowUpStore>();
        builder.Services.AddSingleton<IFollowUpJob, StatusSyncJob>();
        builder.Services.AddSingleton<IFollowUpJob, FollowUpReviewJob>();
        builder.Services.AddSingleton<IFollowUpJob, OverdueDigestJob>();
        return builder;
    }
}
