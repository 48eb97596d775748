namespace IncidentBridge.Postmortems;

internal static class PostmortemsRegistration
{
    public static WebApplicationBuilder AddPostmortems(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PostmortemStore>();
        builder.Services.AddSingleton<PostmortemIntake>();
        return builder;
    }
}
