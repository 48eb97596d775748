using System.Net.Http.Headers;

namespace IncidentBridge.Trackers.Jira;

internal static class JiraRegistration
{
    /// <summary>
    /// Jira options (validated on start), the named HTTP client with its resilience pipeline, and the Jira
    /// <see cref="ITracker"/> that sends through it. Registered even when Jira is not configured: its calls then fail as rejected,
    /// and the items routed to Jira wait in storage until it is.
    /// </summary>
    public static WebApplicationBuilder AddJira(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<JiraOptions, JiraOptionsValidator>(JiraOptions.Section);
        builder.Services.AddHttpClient(JiraClient.HttpClientName, Configure)
            .RedactLoggedHeaders(["Authorization"])
            .AddResilienceHandler(JiraResilience.PipelineName, JiraResilience.Configure);
        return builder.AddTracker<JiraClient, JiraWebhookReader>();
    }

    private static void Configure(IServiceProvider services, HttpClient http)
    {
        var options = services.GetRequiredService<IOptions<JiraOptions>>().Value;

        // The pipeline bounds each attempt (Timeout) and the number of attempts; HttpClient's own 100 s would cut across it.
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("IncidentBridge", "1.0"));
        if (options.SiteRoot is not { } siteRoot)
        {
            return;
        }

        http.BaseAddress = siteRoot;
        http.DefaultRequestHeaders.Authorization = Authorization(options);
    }

    private static AuthenticationHeaderValue? Authorization(JiraOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BearerToken))
        {
            return new AuthenticationHeaderValue("Bearer", options.BearerToken.Trim());
        }

        if (!string.IsNullOrWhiteSpace(options.Email) && !string.IsNullOrWhiteSpace(options.ApiToken))
        {
            var credentials = Encoding.UTF8.GetBytes($"{options.Email.Trim()}:{options.ApiToken.Trim()}");
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        }

        return null;
    }
}
