using IncidentBridge.FollowUp;

namespace IncidentBridge.Incidents;

/// <summary>
/// <c>GET /api/incidents</c> (newest first, filtered by status, service, severity and <c>postmortem=overdue</c>, paged by cursor) and
/// <c>GET /api/incidents/{id}</c> (one incident with its sources and its latest alerts and timeline entries), and
/// <c>GET /api/incidents/{id}/alerts</c> and <c>/timeline</c> (all of them, latest first, paged by cursor).
/// </summary>
internal static class IncidentsApi
{
    private const int DefaultLimit = 50;

    /// <summary>How many of its latest alerts and timeline entries an incident's detail lists; the links page the rest.</summary>
    public const int DetailLatest = 50;

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapApi().MapGroup("/incidents");
        incidents.MapGet("/", ListAsync);
        incidents.MapGet("/{id}", GetAsync);
        incidents.MapGet("/{id}/alerts", AlertsAsync);
        incidents.MapGet("/{id}/timeline", TimelineAsync);
        return app;
    }

    private static async Task<Results<Ok<IncidentPage>, ProblemHttpResult>> ListAsync(
        IncidentStore store, IOptions<FollowUpOptions> followUp, TimeProvider time, string? status, string? service, string? severity, string? postmortem, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (postmortem is not (null or "overdue"))
        {
            return Problems.InvalidValue("postmortem", postmortem, "overdue");
        }

        if (status is not (null or "all" or "open" or "resolved"))
        {
            return Problems.InvalidValue("status", status, "open, resolved or all");
        }

        bool? open = status switch { "open" => true, "resolved" => false, _ => null };
        if (Problems.Read<int>("severity", severity, Severity.TryParse, "SEV1, SEV2, SEV3 or SEV4", out var level) is { } invalid)
        {
            return invalid;
        }

        if (Paging.Check<long>(limit, cursor, Paging.ReadSeq, out var before) is { } problem)
        {
            return problem;
        }

        var take = limit ?? DefaultLimit;
        var due = followUp.Value.PostmortemDue;
        (long, long[])? overdue = postmortem is null ? null : (
            (time.GetUtcNow() - due.After).ToUnixTimeMilliseconds(),
            due.SeverityLevels);
        var rows = await store.ListAsync(open, string.IsNullOrEmpty(service) ? null : service, level, before, take, cancellationToken, overdue);
        return TypedResults.Ok(new IncidentPage(rows.Select(IncidentSummary.From).ToList(), Paging.Next(rows, take, row => Paging.WriteSeq(row.Seq))));
    }

    private static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> GetAsync(IncidentStore store, TimeProvider time, string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, DetailLatest, cancellationToken) is not { } detail)
        {
            return Problems.NotFound($"No incident '{id}'.");
        }

        // The related incident's follow-ups as they stand today, not as they stood when this one opened.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var related = detail.RelatedIncidentId is { } relatedId ? await store.FollowUpsOfAsync(relatedId, today, cancellationToken) : null;
        return TypedResults.Ok(IncidentView.From(detail, related));
    }

    private static Task<Results<Ok<Page<AlertView>>, ProblemHttpResult>> AlertsAsync(
        IncidentStore store, string id, int? limit, string? cursor, CancellationToken cancellationToken) =>
        PageAsync<(long, string), IncidentAlertRow, AlertView>(
            store, id, limit, cursor, Cursor.TryRead, store.AlertsPageAsync, a => Cursor.Write(a.StartsAt, a.Fingerprint), AlertView.From, cancellationToken);

    private static Task<Results<Ok<Page<TimelineEntry>>, ProblemHttpResult>> TimelineAsync(
        IncidentStore store, string id, int? limit, string? cursor, CancellationToken cancellationToken) =>
        PageAsync<(long, long), TimelineRow, TimelineEntry>(
            store, id, limit, cursor, Cursor.TryRead, store.TimelinePageAsync, t => Cursor.Write(t.At, Paging.WriteSeq(t.Seq)), TimelineEntry.From, cancellationToken);

    /// <summary>An incident's alerts or timeline, one page, latest first: the two are paged alike, each by its own key.</summary>
    private static async Task<Results<Ok<Page<TView>>, ProblemHttpResult>> PageAsync<TKey, TRow, TView>(
        IncidentStore store,
        string id,
        int? limit,
        string? cursor,
        QueryReader<TKey> readCursor,
        Func<string, TKey?, int, CancellationToken, Task<IReadOnlyList<TRow>>> page,
        Func<TRow, string> cursorOf,
        Func<TRow, TView> view,
        CancellationToken cancellationToken)
        where TKey : struct
    {
        if (Paging.Check(limit, cursor, readCursor, out var before) is { } problem)
        {
            return problem;
        }

        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return Problems.NotFound($"No incident '{id}'.");
        }

        var take = limit ?? DefaultLimit;
        var rows = await page(id, before, take, cancellationToken);
        return TypedResults.Ok(new Page<TView>(rows.Select(view).ToList(), Paging.Next(rows, take, cursorOf)));
    }

    /// <summary>A keyset cursor: a time in Unix milliseconds and a tie-break, as <c>&lt;ms&gt;_&lt;key&gt;</c>.</summary>
    private static class Cursor
    {
        public static string Write(long ms, string key) => ms.ToString(CultureInfo.InvariantCulture) + "_" + key;

        /// <summary>An alerts cursor: the alert's <c>startsAt</c> and fingerprint.</summary>
        public static bool TryRead(string cursor, out (long StartsAt, string Fingerprint) key)
        {
            var ok = TryRead(cursor, out var ms, out var fingerprint);
            key = (ms, fingerprint);
            return ok;
        }

        /// <summary>A timeline cursor: the entry's time and its <c>seq</c>.</summary>
        public static bool TryRead(string cursor, out (long At, long Seq) key)
        {
            key = default;
            if (!TryRead(cursor, out var at, out var seqText) || !Paging.ReadSeq(seqText, out var seq))
            {
                return false;
            }

            key = (at, seq);
            return true;
        }

        private static bool TryRead(string cursor, out long ms, out string key)
        {
            var separator = cursor.IndexOf('_', StringComparison.Ordinal);
            key = separator < 0 ? "" : cursor[(separator + 1)..];
            ms = 0;
            return separator > 0 && key.Length > 0
                && long.TryParse(cursor.AsSpan(0, separator), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ms);
        }
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

/// <summary>
/// <c>GET /api/incidents/{id}</c>: the incident with its sources and its latest alerts and timeline entries (at most
/// <see cref="IncidentsApi.DetailLatest"/> of each, oldest first); <see cref="AlertCount"/> and
/// <see cref="TimelineCount"/> say how many there are, and <see cref="Links"/> where to page through them all.
/// </summary>
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
    long AlertCount,
    IReadOnlyList<SourceView> Sources,
    IReadOnlyList<TimelineEntry> Timeline,
    long TimelineCount,
    IncidentLinks Links,
    RelatedIncident? RelatedTo)
{
    public static IncidentView From(IncidentDetail detail, RelatedIncident? related)
    {
        var row = detail.Incident;
        return new(
            row.Id, row.Title, Incidents.Severity.Name(row.Severity), row.Status, row.Service,
            Time.Of(row.StartedAt), Time.OfNullable(row.AcknowledgedAt), Time.OfNullable(row.ResolvedAt),
            AlertView.Map(row.Labels),
            detail.Alerts.Select(AlertView.From).ToList(),
            detail.AlertCount,
            detail.Sources.Select(s => new SourceView(s.Kind, s.Key, s.Url, s.Status)).ToList(),
            detail.Timeline.Select(TimelineEntry.From).ToList(),
            detail.TimelineCount,
            IncidentLinks.Of(row.Id),
            related);
    }
}

/// <summary>Where an incident's alerts and timeline are paged in full.</summary>
internal sealed record IncidentLinks(string Alerts, string Timeline)
{
    public static IncidentLinks Of(string id)
    {
        var path = "/api/incidents/" + Uri.EscapeDataString(id);
        return new(path + "/alerts", path + "/timeline");
    }
}

internal sealed record AlertView(
    string Fingerprint,
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    [property: System.Text.Json.Serialization.JsonPropertyName("generatorURL")] string? GeneratorUrl,
    string GroupKey)
{
    public static AlertView From(IncidentAlertRow a) =>
        new(a.Fingerprint, a.Status, Map(a.Labels), Map(a.Annotations), Time.Of(a.StartsAt), Time.OfNullable(a.EndsAt), a.GeneratorUrl, a.GroupKey);

    public static Dictionary<string, string> Map(string json) =>
        JsonSerializer.Deserialize(json, RecordJsonContext.Default.DictionaryStringString) ?? [];
}

/// <summary>An Alertmanager group key, or a PagerDuty incident with its link and status.</summary>
internal sealed record SourceView(string Kind, string Key, string? Url, string? Status);

internal sealed record TimelineEntry(DateTimeOffset At, string Kind, string Message, string? Actor)
{
    public static TimelineEntry From(TimelineRow t) => new(Time.Of(t.At), t.Kind, t.Message, t.Actor);
}

internal sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, string? NextCursor);

/// <summary>One page of an incident's alerts or timeline, latest first; <see cref="NextCursor"/> is null on the last.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
