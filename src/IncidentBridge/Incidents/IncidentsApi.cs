using System.Globalization;
using System.Text.Json;
using IncidentBridge.Api;
using IncidentBridge.FollowUp;
using IncidentBridge.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IncidentBridge.Incidents;

/// <summary>
/// <c>GET /api/incidents</c> (newest first, filtered by status, service, severity and <c>postmortem=overdue</c>, paged by cursor) and
/// <c>GET /api/incidents/{id}</c> (one incident with its alerts, sources and timeline).
/// </summary>
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
        IncidentStore store, IOptions<FollowUpOptions> followUp, TimeProvider time, string? status, string? service, string? severity, string? postmortem, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (postmortem is not (null or "overdue"))
        {
            return Problems.InvalidField("postmortem", $"postmortem must be overdue (was '{postmortem}').");
        }

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
        var due = followUp.Value.PostmortemDue;
        (long, long[])? overdue = postmortem is null ? null : (
            (time.GetUtcNow() - TimeSpan.FromHours(due.Hours)).ToUnixTimeMilliseconds(),
            due.SeverityLevels);
        var rows = await store.ListAsync(open, string.IsNullOrEmpty(service) ? null : service, level, before, take, cancellationToken, overdue);
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

/// <summary>An incident in a list: what tells it apart, without its alerts, sources and timeline.</summary>
internal sealed record IncidentSummary(
    string Id,
    string Title,
    string Severity,
    string Status,
    string? Service,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt)
{
    public static IncidentSummary From(IncidentRow row) => new(
        row.Id, row.Title, Incidents.Severity.Name(row.Severity), row.Status, row.Service,
        Time.Of(row.StartedAt), Time.OfNullable(row.AcknowledgedAt), Time.OfNullable(row.ResolvedAt));
}

/// <summary><c>GET /api/incidents/{id}</c>: the incident with its alerts, sources and timeline.</summary>
internal sealed record IncidentView(
    string Id,
    string Title,
    string Severity,
    string Status,
    string? Service,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<AlertView> Alerts,
    IReadOnlyList<SourceView> Sources,
    IReadOnlyList<TimelineEntry> Timeline,
    RelatedIncident? RelatedTo)
{
    public static IncidentView From(IncidentDetail detail, RelatedIncident? related)
    {
        var row = detail.Incident;
        return new(
            row.Id, row.Title, Incidents.Severity.Name(row.Severity), row.Status, row.Service,
            Time.Of(row.StartedAt), Time.OfNullable(row.AcknowledgedAt), Time.OfNullable(row.ResolvedAt),
            Map(row.Labels),
            detail.Alerts.Select(a => new AlertView(a.Fingerprint, a.Status, Map(a.Labels), Map(a.Annotations), Time.Of(a.StartsAt), Time.OfNullable(a.EndsAt), a.GeneratorUrl, a.GroupKey)).ToList(),
            detail.Sources.Select(s => new SourceView(s.Kind, s.Key, s.Url, s.Status)).ToList(),
            detail.Timeline.Select(t => new TimelineEntry(Time.Of(t.At), t.Kind, t.Message, t.Actor)).ToList(),
            related);
    }

    private static Dictionary<string, string> Map(string json) =>
        JsonSerializer.Deserialize(json, RecordJsonContext.Default.DictionaryStringString) ?? [];
}

internal sealed record AlertView(
    string Fingerprint,
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    [property: System.Text.Json.Serialization.JsonPropertyName("generatorURL")] string? GeneratorUrl,
    string GroupKey);

/// <summary>An Alertmanager group key, or a PagerDuty incident with its link and status.</summary>
internal sealed record SourceView(string Kind, string Key, string? Url, string? Status);

internal sealed record TimelineEntry(DateTimeOffset At, string Kind, string Message, string? Actor);

internal sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, string? NextCursor);
