namespace IncidentBridge.Api;

internal static class ApiRegistration
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(ApiOptions.Section);
        builder.Services.AddSingleton<ApiAuthorizationFilter>();
        return builder;
    }

    /// <summary>
    /// The authenticated <c>/api</c> group every feature maps its calls into. A query parameter the call does not take is
    /// refused (<c>400</c> naming it), so a misspelt filter (<c>?postmortm=overdue</c>) never lists everything.
    /// </summary>
    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api").AddEndpointFilter<ApiAuthorizationFilter>().AddEndpointFilterFactory(RefuseUnknownQueryParameters);

    private static EndpointFilterDelegate RefuseUnknownQueryParameters(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        // The handler's simple parameters are what binds from the query (services and bodies are not simple types).
        var known = context.MethodInfo.GetParameters()
            .Where(p => p.Name is not null && IsSimple(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType))
            .Select(p => p.Name ?? "")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return invocation =>
        {
            foreach (var key in invocation.HttpContext.Request.Query.Keys)
            {
                if (!known.Contains(key))
                {
                    var takes = known.Count == 0 ? "no query parameters" : "only " + string.Join(", ", known.Order(StringComparer.Ordinal));
                    return ValueTask.FromResult<object?>(Problems.InvalidField(key, $"Unknown query parameter '{key}': this call takes {takes}."));
                }
            }

            return next(invocation);
        };
    }

    private static bool IsSimple(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);
}
