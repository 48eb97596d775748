using System.Globalization;
using IncidentBridge.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBridge.Incidents;

/// <summary><c>GET /api/incidents</c> and <c>GET /api/incidents/{id}</c> (CONTRACT §4).</summary>
internal static class IncidentsApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapApi().MapGroup("/incidents");
        incidents.MapGet("/", ListAsync);
        incidents.MapGet("/{id}", GetAsync);
        return app;
    }

    private static async Task<Results<Ok<IncidentPage>, ProblemHttpResult>> ListAsync(
        IncidentStore store, string? status, string? service, string? severity, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (status is not (null or "all" or "open" or "resolved"))
        {
            return Problems.InvalidField("status", $"status must be open, resolved or all (was '{status}').");
        }

        bool? open = status switch { "open" => true, "resolved" => false, _ => null };

        int? level = null;
        if (severity is not null)
        {
            if (!Severity.TryParse(severity, out var parsed))
            {
                return Problems.InvalidField("severity", $"severity must be SEV1, SEV2, SEV3 or SEV4 (was '{severity}').");
            }

            level = parsed;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problems.InvalidField("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return Problems.InvalidField("cursor", "cursor is not one this API gave out.");
            }

            before = seq;
        }

        var take = limit ?? DefaultLimit;
        var rows = await store.ListAsync(open, string.IsNullOrEmpty(service) ? null : service, level, before, take, cancellationToken);
        var next = rows.Count == take ? rows[^1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new IncidentPage(rows.Select(IncidentSummary.From).ToList(), next));
    }

    private static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> GetAsync(IncidentStore store, TimeProvider time, string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } detail)
        {
            return Problems.NotFound($"No incident '{id}'.");
        }

        // The related incident's follow-ups as they stand today, not as they stood when this one opened.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var related = detail.RelatedIncidentId is { } relatedId ? await store.FollowUpsOfAsync(relatedId, today, cancellationToken) : null;
        return TypedResults.Ok(IncidentView.From(detail, related));
    }
}
