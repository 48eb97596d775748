using IncidentBridge.Correlation;
using IncidentBridge.Postmortems;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace IncidentBridge.Api;

/// <summary>
/// <c>GET /openapi/v1.json</c>: the OpenAPI 3 description of every endpoint, built by ASP.NET Core's OpenAPI generator
/// from the endpoints' typed results, then completed here with what the handlers do by hand: how each caller
/// authenticates (a bearer token for <c>/api</c>, the webhooks' own credentials), the bodies read from the raw request
/// (webhooks, postmortems), the problem+json answers, and the endpoints that are not minimal-API handlers (health,
/// metrics). Served without a token: it holds no data, only the shape of the calls.
/// </summary>
internal static class OpenApiDescription
{
    public const string Path = "/openapi/v1.json";

    private const string ProblemJson = "application/problem+json";

    /// <summary>The security scheme of each webhook, by path; every other path under <c>/api</c> takes the API's bearer token.</summary>
    private static readonly Dictionary<string, string> WebhookSchemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/webhooks/alertmanager"] = "alertmanagerBearer",
        ["/webhooks/grafana"] = "grafanaBearer",
        ["/webhooks/pagerduty"] = "pagerDutySignature",
        ["/webhooks/jira"] = "jiraSignature",
        ["/webhooks/github"] = "gitHubSignature",
    };

    /// <summary>Endpoints the generator does not see (not minimal-API handlers), each with what it answers.</summary>
    private static readonly Dictionary<string, string> PlainEndpoints = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/healthz"] = "Liveness: 200 Healthy while the process serves HTTP.",
        ["/readyz"] = "Readiness: 200 when storage is reachable and migrated, the inbox processor's last batch worked and the scheduler runs; 503 otherwise.",
        ["/metrics"] = "Prometheus text exposition format of the worker's metrics.",
    };

    public static WebApplicationBuilder AddOpenApiDescription(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperationAsync);
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapOpenApiDescription(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Path);
        return app;
    }

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "IncidentBridge",
            Version = "v1",
            Description = "Webhooks in (Alertmanager, Grafana, PagerDuty), incidents, postmortems and their action items out. "
                + "Errors are application/problem+json with type urn:incidentbridge:problem:<name>, title, status, detail and, when an input is at fault, field.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            ["apiBearer"] = Bearer("One of IncidentBridge:Api:Tokens."),
            ["alertmanagerBearer"] = Bearer("One of IncidentBridge:Sources:Alertmanager:BearerTokens (the receiver's http_config.authorization)."),
            ["grafanaBearer"] = Bearer("One of IncidentBridge:Sources:Grafana:BearerTokens (the contact point's Authorization header)."),
            ["pagerDutySignature"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-PagerDuty-Signature",
                Description = "v1=<hex>[,v1=<hex>…]: HMAC-SHA256 of the raw body with one of IncidentBridge:Sources:PagerDuty:SigningSecrets.",
            },
            ["jiraSignature"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Hub-Signature",
                Description = "sha256=<hex>: HMAC-SHA256 of the raw body with one of IncidentBridge:Sources:Jira:WebhookSecrets (a Jira admin webhook saved with a secret).",
            },
            ["gitHubSignature"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Hub-Signature-256",
                Description = "sha256=<hex>: HMAC-SHA256 of the raw body with one of IncidentBridge:Sources:GitHub:WebhookSecrets.",
            },
        };
        AddPlainEndpoints(document, context);
        return Task.CompletedTask;
    }

    private static OpenApiSecurityScheme Bearer(string description) =>
        new() { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "Authorization: Bearer <token>. " + description };

    private static void AddPlainEndpoints(OpenApiDocument document, OpenApiDocumentTransformerContext context)
    {
        document.Paths ??= [];
        var sources = context.ApplicationServices.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var path = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!PlainEndpoints.TryGetValue(path, out var description) || document.Paths.ContainsKey(path))
            {
                continue;
            }

            var operation = new OpenApiOperation
            {
                Summary = description,
                Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse { Description = "OK", Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } } },
                },
            };
            if (path == "/readyz")
            {
                operation.Responses["503"] = new OpenApiResponse { Description = "Not ready" };
            }

            document.Paths[path] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
        }
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var path = "/" + (context.Description.RelativePath ?? "").TrimStart('/');
        operation.Responses ??= [];
        if (WebhookSchemes.TryGetValue(path, out var scheme))
        {
            Secure(operation, context, scheme);
            await DescribeWebhookBodyAsync(operation, context, path, cancellationToken);
            AddProblems(operation, "400", "401", "404", "413", "415", "503");
        }
        else if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            Secure(operation, context, "apiBearer");
            AddProblems(operation, "400", "401");
            if (path.Contains('{', StringComparison.Ordinal))
            {
                AddProblems(operation, "404");
            }

            if (path.EndsWith("/postmortem", StringComparison.OrdinalIgnoreCase))
            {
                await DescribePostmortemBodyAsync(operation, context, cancellationToken);
                AddProblems(operation, "413", "415");
            }
            else if (path.StartsWith("/api/jobs/", StringComparison.OrdinalIgnoreCase))
            {
                AddProblems(operation, "409", "503");
            }
        }
        else if (path.StartsWith("/webhooks/", StringComparison.OrdinalIgnoreCase))
        {
            AddProblems(operation, "400", "401", "404", "413", "415", "503");
        }
    }

    private static void Secure(OpenApiOperation operation, OpenApiOperationTransformerContext context, string scheme)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation transformer runs without its document.");
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }];
    }

    private static async Task DescribeWebhookBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, string path, CancellationToken cancellationToken)
    {
        var (type, description) = path.EndsWith("/pagerduty", StringComparison.OrdinalIgnoreCase)
            ? (typeof(PagerDutyWebhook), "A PagerDuty V3 webhook: {\"event\": {id, event_type, resource_type, occurred_at, agent, data}}.")
            : path.EndsWith("/jira", StringComparison.OrdinalIgnoreCase)
            ? (typeof(Trackers.Jira.JiraWebhookBody), "A Jira admin webhook (jira:issue_created, jira:issue_updated, jira:issue_deleted; any other event is stored and ignored); X-Atlassian-Webhook-Identifier de-duplicates.")
            : path.EndsWith("/github", StringComparison.OrdinalIgnoreCase)
            ? (typeof(Trackers.GitHub.GitHubHookBody), "A GitHub webhook; X-GitHub-Event names it (issues is read; ping and any other event are stored and ignored); X-GitHub-Delivery de-duplicates.")
            : path.EndsWith("/grafana", StringComparison.OrdinalIgnoreCase)
                ? (typeof(AlertmanagerPayload), "Grafana Alerting's webhook contact point body: Alertmanager's fields with \"version\": \"1\", plus orgId, state, title and message (not read).")
                : (typeof(AlertmanagerPayload), "Alertmanager's webhook body, \"version\": \"4\".");
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = description + " Answered 202 {deliveryId, duplicate} once the raw body is committed to the inbox.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken) },
            },
        };
    }

    private static async Task DescribePostmortemBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The postmortem, as JSON or as the Markdown teams already write; each action item becomes exactly one tracker issue.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(PostmortemDocument), null, cancellationToken) },
                ["text/markdown"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        };
    }

    private static void AddProblems(OpenApiOperation operation, params string[] statuses)
    {
        foreach (var status in statuses)
        {
            operation.Responses ??= [];
            if (operation.Responses.ContainsKey(status))
            {
                continue;
            }

            operation.Responses[status] = new OpenApiResponse
            {
                Description = ProblemDescriptions.GetValueOrDefault(status, "Problem"),
                Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = ProblemSchema } },
            };
        }
    }

    private static readonly Dictionary<string, string> ProblemDescriptions = new()
    {
        ["400"] = "invalid-request: the problem's field names the input at fault",
        ["401"] = "unauthorized: missing or wrong credentials",
        ["404"] = "not-found (for a webhook: the source is not configured)",
        ["409"] = "job-running: the job runs on another replica",
        ["413"] = "too-large: the body is over IncidentBridge:Ingest:MaxBodyBytes",
        ["415"] = "unsupported-media-type: see the problem's detail for what is accepted",
        ["503"] = "unavailable: not stored or not finished; retry later",
    };

    private static OpenApiSchema ProblemSchema => new()
    {
        Type = JsonSchemaType.Object,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["field"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };
}
