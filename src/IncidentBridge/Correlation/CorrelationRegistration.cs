using IncidentBridge.Inbox;

namespace IncidentBridge.Correlation;

internal static class CorrelationRegistration
{
    public static WebApplicationBuilder AddCorrelation(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IDeliveryHandler, AlertmanagerDeliveryHandler>();
        builder.Services.AddSingleton<IDeliveryHandler, PagerDutyDeliveryHandler>();
        return builder;
    }
}
