namespace IncidentBridge.Correlation;

/// <summary>
/// Applies a PagerDuty V3 incident event. A PagerDuty incident joins the incident whose Alertmanager or Grafana group
/// key or alert fingerprint equals its <c>incident_key</c>, or whose group key's SHA-256 does (the dedup key
/// Alertmanager's and Grafana's own PagerDuty integrations send), else it opens its own. Events can be applied out of order
/// (PagerDuty orders deliveries per incident only, and a delivery retried by PagerDuty or by the inbox comes after
/// later ones; docs/PROTOCOLS.md): a status change older than the last one applied is written to the timeline (it
/// happened) but changes no status.
/// </summary>
internal sealed partial class PageCorrelator(IDatabase database, TimeProvider time, ILogger<PageCorrelator> logger)
{
    public async Task ApplyAsync(DbTransaction tx, PagerDutyEvent evt)
    {
        if (PagerDutyIncidentData.From(evt) is not { } page || evt.Id is not { } eventId || evt.EventType is not { } type)
        {
            return;
        }

        // Before anything is read: a replica applying an event of the same page, or alerts the page can join, waits for
        // this commit (AlertCorrelator.BeginAsync).
        await database.LockInAsync(tx, page.IncidentKey is { Length: > 0 } incidentKey
            ? [CorrelationLocks.Page(page.Id), CorrelationLocks.GroupKey(incidentKey), CorrelationLocks.DedupKey(incidentKey), CorrelationLocks.Fingerprint(incidentKey)]
            : [CorrelationLocks.Page(page.Id)]);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var at = evt.OccurredAt.GetValueOrDefault().ToUnixTimeMilliseconds();
        var actor = ActorOf(evt.Agent);
        var incident = await IncidentStore.FindBySourceInAsync(tx, SourceKinds.PagerDuty, page.Id, database)
            ?? await LinkOrOpenAsync(tx, page, at, nowMs);
        var source = await IncidentStore.GetSourceInAsync(tx, incident.Id, SourceKinds.PagerDuty, page.Id)
            ?? throw new InvalidOperationException($"Incident {incident.Id} lost its PagerDuty source {page.Id}.");

        await IncidentStore.AppendTimelineInAsync(tx, incident.Id, at, KindOf(type), Describe(type, page), actor, $"pd:{eventId}");
        incident = await ApplyStatusAsync(tx, incident, source, type, at, eventId);
        incident = await RaiseSeverityAsync(tx, incident, page, at, eventId);
        await IncidentStore.UpdateInAsync(tx, incident with { LastActivityAt = Math.Max(incident.LastActivityAt, at) });
    }

    private async Task<IncidentRow> LinkOrOpenAsync(DbTransaction tx, PagerDutyIncidentData page, long at, long nowMs)
    {
        var linked = page.IncidentKey is not { Length: > 0 } key ? null
            : await FindByGroupKeyAsync(tx, key) ?? await IncidentStore.FindByFingerprintInAsync(tx, key, database);
        var incident = linked ?? await OpenAsync(tx, page, at, nowMs);
        var source = new IncidentSourceRow
        {
            IncidentId = incident.Id,
            Kind = SourceKinds.PagerDuty,
            Key = page.Id,
            Url = page.Url,
            DedupKey = page.IncidentKey,
            Status = IncidentStatus.Triggered,
            // Status time 0: whichever event comes first sets the PagerDuty status.
            StatusAt = 0,
        };
        await IncidentStore.AddSourceInAsync(tx, source, nowMs);
        if (linked is not null)
        {
            await IncidentStore.AppendTimelineInAsync(tx, incident.Id, at, TimelineKinds.Linked, $"{page.Label} linked (incident key {page.IncidentKey})", null, $"linked:{page.Id}");
            LogLinked(page.Id, incident.Id);
        }

        return incident;
    }

    /// <summary>The incident of an Alertmanager or Grafana group key that is, or hashes to, the page's incident key.</summary>
    private async Task<IncidentRow?> FindByGroupKeyAsync(DbTransaction tx, string key)
    {
        foreach (var sender in AlertSender.All)
        {
            var incident = await IncidentStore.FindBySourceInAsync(tx, sender.Source, key, database)
                ?? await IncidentStore.FindBySourceDedupKeyInAsync(tx, sender.Source, key, database);
            if (incident is not null)
            {
                return incident;
            }
        }

        return null;
    }

    private async Task<IncidentRow> OpenAsync(DbTransaction tx, PagerDutyIncidentData page, long at, long nowMs)
    {
        var startedAt = page.CreatedAt?.ToUnixTimeMilliseconds() ?? at;
        var id = await IncidentStore.NextIdInAsync(tx, DateTimeOffset.FromUnixTimeMilliseconds(startedAt).Year);
        var severity = Severity.FromPagerDuty(page.Priority, page.Urgency);
        var labels = new Dictionary<string, string>();
        if (page.Service is { } service)
        {
            labels["service"] = service;
        }

        if (page.Team is { } team)
        {
            // Routing rules match on the incident's labels: an incident only PagerDuty knows is routed by its team.
            labels["team"] = team;
        }

        var incident = new IncidentRow
        {
            Id = id,
            Title = page.Title ?? page.Label,
            Service = page.Service,
            Alertname = null,
            Severity = severity,
            Status = IncidentStatus.Triggered,
            StartedAt = startedAt,
            StatusChangedAt = startedAt,
            LastActivityAt = startedAt,
            CorrelationHash = null,
            Labels = JsonSerializer.Serialize(labels, RecordJsonContext.Default.DictionaryStringString),
        };
        await IncidentStore.InsertInAsync(tx, incident, nowMs);
        await IncidentStore.AppendTimelineInAsync(tx, id, startedAt, TimelineKinds.Opened, $"Opened by {page.Label} ({Severity.Name(severity)})", null, "opened");
        LogOpened(id, page.Id);
        return incident;
    }

    private static async Task<IncidentRow> ApplyStatusAsync(DbTransaction tx, IncidentRow incident, IncidentSourceRow source, string type, long at, string eventId)
    {
        if (type == "incident.acknowledged" && (incident.AcknowledgedAt is null || at < incident.AcknowledgedAt))
        {
            // The first acknowledgement counts for MTTA, even when it arrives after the resolve.
            incident = incident with { AcknowledgedAt = at };
        }

        var pageStatus = type switch
        {
            "incident.triggered" or "incident.unacknowledged" or "incident.reopened" => IncidentStatus.Triggered,
            "incident.acknowledged" => IncidentStatus.Acknowledged,
            "incident.resolved" => IncidentStatus.Resolved,
            _ => null,
        };
        if (pageStatus is null || at < (source.StatusAt ?? 0))
        {
            return incident;
        }

        await IncidentStore.SetSourceStatusInAsync(tx, source with { Status = pageStatus, StatusAt = at });
        if (at < incident.StatusChangedAt)
        {
            return incident;
        }

        return pageStatus switch
        {
            IncidentStatus.Resolved when !incident.IsResolved && !await IncidentStore.AnythingOpenInAsync(tx, incident.Id) =>
                await ResolvedAsync(tx, incident, at, eventId),
            IncidentStatus.Triggered when incident.IsResolved =>
                await ReopenedAsync(tx, incident, at, eventId),
            IncidentStatus.Triggered when incident.Status == IncidentStatus.Acknowledged =>
                incident with { Status = IncidentStatus.Triggered, StatusChangedAt = at },
            IncidentStatus.Acknowledged when incident.Status == IncidentStatus.Triggered =>
                incident with { Status = IncidentStatus.Acknowledged, StatusChangedAt = at },
            _ => incident,
        };
    }

    private static async Task<IncidentRow> ResolvedAsync(DbTransaction tx, IncidentRow incident, long at, string eventId)
    {
        await IncidentStore.AppendTimelineInAsync(tx, incident.Id, at, TimelineKinds.Resolved, "Resolved: PagerDuty incident resolved and no alert firing", null, $"pd:{eventId}:resolved");
        return incident with { Status = IncidentStatus.Resolved, ResolvedAt = at, StatusChangedAt = at };
    }

    private static async Task<IncidentRow> ReopenedAsync(DbTransaction tx, IncidentRow incident, long at, string eventId)
    {
        await IncidentStore.AppendTimelineInAsync(tx, incident.Id, at, TimelineKinds.Reopened, "Reopened from PagerDuty", null, $"pd:{eventId}:reopened");
        return incident with { Status = IncidentStatus.Triggered, ResolvedAt = null, StatusChangedAt = at };
    }

    private static async Task<IncidentRow> RaiseSeverityAsync(DbTransaction tx, IncidentRow incident, PagerDutyIncidentData page, long at, string eventId)
    {
        if (page.Priority is null && page.Urgency is null)
        {
            return incident;
        }

        var severity = Severity.FromPagerDuty(page.Priority, page.Urgency);
        if (severity >= incident.Severity)
        {
            return incident;
        }

        await IncidentStore.AppendTimelineInAsync(tx, incident.Id, at, TimelineKinds.SeverityRaised, $"Severity raised from {Severity.Name(incident.Severity)} to {Severity.Name(severity)} by PagerDuty ({page.Priority ?? page.Urgency + " urgency"})", null, $"pd:{eventId}:severity");
        return incident with { Severity = severity };
    }

    private static string KindOf(string type) => type switch
    {
        "incident.triggered" => TimelineKinds.PagerDuty,
        "incident.acknowledged" => TimelineKinds.Acknowledged,
        "incident.unacknowledged" => TimelineKinds.Unacknowledged,
        "incident.resolved" => TimelineKinds.PagerDuty,
        "incident.reopened" => TimelineKinds.PagerDuty,
        "incident.escalated" => TimelineKinds.Escalated,
        "incident.reassigned" or "incident.delegated" => TimelineKinds.Reassigned,
        "incident.priority_updated" => TimelineKinds.PriorityUpdated,
        "incident.annotated" => TimelineKinds.Annotated,
        _ => TimelineKinds.PagerDuty,
    };

    private static string Describe(string type, PagerDutyIncidentData page) => type switch
    {
        "incident.triggered" => $"{page.Label} triggered: {page.Title}",
        "incident.acknowledged" => $"{page.Label} acknowledged",
        "incident.unacknowledged" => $"{page.Label} unacknowledged (acknowledgement timed out)",
        "incident.resolved" => $"{page.Label} resolved",
        "incident.reopened" => $"{page.Label} reopened",
        "incident.escalated" => $"{page.Label} escalated to {page.Assignees ?? "the next level"}",
        "incident.reassigned" or "incident.delegated" => $"{page.Label} reassigned to {page.Assignees ?? "someone else"}",
        "incident.priority_updated" => $"{page.Label} priority set to {page.Priority ?? "none"}",
        "incident.annotated" => $"Note on {page.Label}: {page.Note}",
        _ => $"{page.Label}: {type}",
    };

    private static string? ActorOf(JsonElement? agent) =>
        agent is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.String
            ? summary.GetString()
            : null;

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Opened incident {IncidentId} from PagerDuty incident {PagerDutyIncidentId}")]
    private partial void LogOpened(string incidentId, string pagerDutyIncidentId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Linked PagerDuty incident {PagerDutyIncidentId} to incident {IncidentId}")]
    private partial void LogLinked(string pagerDutyIncidentId, string incidentId);
}
