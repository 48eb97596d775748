namespace IncidentBridge.Incidents;

internal static class IncidentsRegistration
{
    public static WebApplicationBuilder AddIncidents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IncidentStore>();
        return builder;
    }
}
