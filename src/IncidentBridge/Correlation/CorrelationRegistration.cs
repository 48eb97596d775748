using IncidentBridge.Inbox;
using IncidentBridge.Operations;

namespace IncidentBridge.Correlation;

internal static class CorrelationRegistration
{
    public static WebApplicationBuilder AddCorrelation(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CorrelationOptions, CorrelationOptionsValidator>(CorrelationOptions.Section);
        builder.Services.AddSingleton<AlertCorrelator>();
        builder.Services.AddSingleton<PageCorrelator>();
        builder.Services.AddSingleton<IDeliveryHandler, AlertmanagerDeliveryHandler>();
        builder.Services.AddSingleton<IDeliveryHandler, PagerDutyDeliveryHandler>();
        return builder;
    }
}
