using Microsoft.Net.Http.Headers;

namespace IncidentBridge.Api;

/// <summary>Guards <c>/api/*</c> with the bearer tokens of <c>IncidentBridge:Api:Tokens</c>.</summary>
internal sealed class ApiAuthorizationFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    private readonly BearerTokens _tokens = new(options.Value.Tokens);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_tokens.Accepts(http.Request.Headers.Authorization))
        {
            return await next(context);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return _tokens.IsEmpty
            ? Problems.Unauthorized("The API is closed: set IncidentBridge:Api:Tokens to open it.")
            : Problems.Unauthorized("Send Authorization: Bearer <token> with one of IncidentBridge:Api:Tokens.");
    }
}
