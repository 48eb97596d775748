using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBridge.Trackers;

internal static class TrackerRegistration
{
    /// <summary>
    /// A tracker as the dispatcher and the follow-up jobs find it (one of the <see cref="ITracker"/>s, and by its own
    /// type), the clock it runs on (unless the host has one already: a tracker's registration also stands alone), and the
    /// reader of its webhooks, which the ingest endpoint and the inbox both take.
    /// </summary>
    public static WebApplicationBuilder AddTracker<TTracker, TWebhookReader>(this WebApplicationBuilder builder)
        where TTracker : class, ITracker
        where TWebhookReader : class, ITrackerWebhookReader
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TTracker>();
        builder.Services.AddSingleton<ITracker>(sp => sp.GetRequiredService<TTracker>());
        builder.Services.AddSingleton<TWebhookReader>();
        return builder;
    }
}
