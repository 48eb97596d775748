using IncidentBridge.Inbox;

namespace IncidentBridge.Correlation;

internal static class CorrelationRegistration
{
    public static WebApplicationBuilder AddCorrelation(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CorrelationOptions, CorrelationOptionsValidator>(CorrelationOptions.Section);
        builder.Services.AddSingleton<AlertCorrelator>();
        builder.Services.AddSingleton<PageCorrelator>();
        foreach (var sender in AlertSender.All)
        {
            builder.Services.AddSingleton<IDeliveryHandler>(services => new AlertmanagerDeliveryHandler(sender, services.GetRequiredService<AlertCorrelator>()));
        }

        builder.Services.AddSingleton<IDeliveryHandler, PagerDutyDeliveryHandler>();
        return builder;
    }
}
