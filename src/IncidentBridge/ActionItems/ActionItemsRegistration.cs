namespace IncidentBridge.ActionItems;

internal static class ActionItemsRegistration
{
    public static WebApplicationBuilder AddActionItems(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ActionItemsOptions, ActionItemsOptionsValidator>(ActionItemsOptions.Section);
        services.AddValidatedOptions<RoutingOptions, RoutingOptionsValidator>(RoutingOptions.Section);
        services.AddSingleton<IPostConfigureOptions<RoutingOptions>, RoutingCustomFields>();
        services.AddOptions<OwnersOptions>().BindConfiguration(OwnersOptions.Section);
        services.AddSingleton<OwnerDirectory>();
        services.AddSingleton<ActionItemRouter>();
        services.AddSingleton<ActionItemStore>();
        services.AddSingleton<ActionItemSignal>();
        services.AddSingleton<ActionItemMetrics>();
        services.AddSingleton<ActionItemDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ActionItemDispatcher>());
        return builder;
    }
}
