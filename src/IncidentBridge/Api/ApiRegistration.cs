using IncidentBridge.Operations;

namespace IncidentBridge.Api;

internal static class ApiRegistration
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(ApiOptions.Section);
        builder.Services.AddSingleton<ApiAuthorizationFilter>();
        return builder;
    }

    /// <summary>The authenticated <c>/api</c> group every feature maps its calls into.</summary>
    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api").AddEndpointFilter<ApiAuthorizationFilter>();
}
