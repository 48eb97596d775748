using IncidentBridge.Ingest;
using IncidentBridge.Postmortems.Markdown;
using Microsoft.Net.Http.Headers;

namespace IncidentBridge.Postmortems;

/// <summary>
/// <c>POST /api/incidents/{id}/postmortem</c> (JSON model or Markdown template) and <c>GET /api/postmortems/{id}</c>.
/// Posting again updates the postmortem; it never makes a second issue for the same action item.
/// </summary>
internal static class PostmortemsApi
{
    private static readonly string[] MarkdownTypes = ["text/markdown", "text/x-markdown", "text/plain"];

    public static IEndpointRouteBuilder MapPostmortemsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapApi();
        api.MapPost("/incidents/{id}/postmortem", PostAsync);
        api.MapGet("/postmortems/{id}", GetAsync);
        return app;
    }

    private static async Task<Results<Created<PostmortemView>, ProblemHttpResult>> PostAsync(
        string id, HttpRequest request, PostmortemIntake intake, PostmortemStore postmortems, ActionItemStore items, IncidentStore incidents, RequestBodyReader bodies, IOptions<ActionItemsOptions> actionItems, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await incidents.FindAsync(id, cancellationToken) is not { } incident)
        {
            return Problems.NotFound($"No incident '{id}'.");
        }

        var format = FormatOf(request.ContentType);
        if (format is null)
        {
            return Problems.UnsupportedMediaType(request.ContentType, "send application/json (the postmortem model) or text/markdown (a postmortem template)");
        }

        var read = await bodies.ReadAsync(request, cancellationToken);
        if (!read.Ok)
        {
            return read.Problem;
        }

        var body = read.Bytes;

        var text = Encoding.UTF8.GetString(body);
        var document = format == "markdown" ? ReadMarkdown(text) : ReadJson(body);
        if (!document.Ok)
        {
            return Problems.InvalidField(document.Error.Field, document.Error.Detail);
        }

        if (document.Document.IncidentId is { Length: > 0 } named && !string.Equals(named, id, StringComparison.OrdinalIgnoreCase) && format == "json")
        {
            return Problems.InvalidField("incidentId", $"incidentId '{named}' does not match the incident in the URL ('{id}').");
        }

        // Templates often keep "[Title]" as the heading: the incident's own title stands in.
        var written = string.IsNullOrWhiteSpace(document.Document.Title) ? document.Document with { Title = incident.Title } : document.Document;
        // A due date written as "1 week" in a postmortem without a date counts from its first post: re-posting it
        // next week must not move the date (and update the issue) again.
        var firstPosted = await postmortems.FindByIncidentAsync(id, cancellationToken) is { } earlier ? Time.Of(earlier.CreatedAt) : time.GetUtcNow();
        var normalized = PostmortemNormalizer.Normalize(written, Time.Of(incident.StartedAt).Year, DateOnly.FromDateTime(firstPosted.UtcDateTime));
        if (!normalized.Ok)
        {
            return Problems.InvalidField(normalized.Error.Field, normalized.Error.Detail);
        }

        // Each item becomes an issue: a runaway table (12,000 rows) must not become 12,000 issues.
        if (normalized.Postmortem.ActionItems.Count > actionItems.Value.MaxPerPostmortem)
        {
            return Problems.InvalidField("actionItems", $"The postmortem has {normalized.Postmortem.ActionItems.Count} action items; at most {actionItems.Value.MaxPerPostmortem} are taken ({ActionItemsOptions.Section}:MaxPerPostmortem).");
        }

        var result = await intake.ApplyAsync(id, normalized.Postmortem, format, text, cancellationToken);
        if (result.PostmortemId is not { } postmortemId || await ViewAsync(postmortemId, postmortems, items, time, cancellationToken) is not { } view)
        {
            return Problems.NotFound($"No incident '{id}'.");
        }

        return TypedResults.Created($"/api/postmortems/{postmortemId}", view with { Warnings = [.. document.Warnings, .. normalized.Warnings] });
    }

    private static async Task<Results<Ok<PostmortemView>, ProblemHttpResult>> GetAsync(
        string id, PostmortemStore postmortems, ActionItemStore items, TimeProvider time, CancellationToken cancellationToken) =>
        await ViewAsync(id, postmortems, items, time, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"No postmortem '{id}'.");

    private static async Task<PostmortemView?> ViewAsync(string id, PostmortemStore postmortems, ActionItemStore items, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await postmortems.FindAsync(id, cancellationToken) is not { } row)
        {
            return null;
        }

        var document = JsonSerializer.Deserialize(row.Document, PostmortemJsonContext.Default.PostmortemDocument) ?? new PostmortemDocument();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return PostmortemView.From(row, document, await items.ForPostmortemAsync(id, cancellationToken), await postmortems.ReviewOfAsync(id, cancellationToken), today);
    }

    private static string? FormatOf(string? contentType)
    {
        if (RequestBody.IsJson(contentType))
        {
            return "json";
        }

        return MediaTypeHeaderValue.TryParse(contentType, out var media) && MarkdownTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase)
            ? "markdown"
            : null;
    }

    private static PostmortemReadResult ReadMarkdown(string text) => MarkdownPostmortemReader.Read(text);

    private static PostmortemReadResult ReadJson(byte[] body)
    {
        // No Location on JSON items: without one, errors name the JSON path (actionItems[2].priority), not a table's
        // column. (A null item in the array stays null for the normalizer to name.)
        var read = Parsed<PostmortemDocument>.FromJson(body, PostmortemJsonContext.Default.PostmortemDocument, "The body must be a JSON object: the postmortem model.");
        return new PostmortemReadResult(read.Value, read.Error);
    }
}
