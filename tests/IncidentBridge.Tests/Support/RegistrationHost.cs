using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace IncidentBridge.Tests.Support;

/// <summary>
/// One of the worker's registrations (<c>AddEmail</c>, <c>AddJira</c>) alone on an empty host with in-memory settings,
/// built and validated the way the host validates on start: a bad setting throws here, naming its key.
/// </summary>
internal static class RegistrationHost
{
    public static WebApplication Start(IEnumerable<KeyValuePair<string, string?>> settings, Func<WebApplicationBuilder, WebApplicationBuilder> register)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Configuration.AddInMemoryCollection(settings);
        var app = register(builder).Build();
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        return app;
    }
}
