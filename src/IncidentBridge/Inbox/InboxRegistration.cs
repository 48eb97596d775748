namespace IncidentBridge.Inbox;

internal static class InboxRegistration
{
    public static WebApplicationBuilder AddInbox(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<InboxOptions, InboxOptionsValidator>(InboxOptions.Section);
        services.AddSingleton<InboxStore>();
        services.AddSingleton<InboxSignal>();
        services.AddSingleton<InboxMetrics>();
        services.AddSingleton<InboxWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWriter>());
        services.AddSingleton<InboxProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxProcessor>());
        services.AddHostedService<InboxRetention>();
        services.AddHealthChecks().AddCheck<InboxHealthCheck>("inbox", tags: [HealthTags.Ready]);
        return builder;
    }
}
