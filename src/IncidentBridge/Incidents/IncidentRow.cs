namespace IncidentBridge.Incidents;

/// <summary>
/// An incident as stored; times are Unix milliseconds. Dapper maps columns to properties by name
/// (<c>IncidentStore</c>'s column lists), so the properties may come in any order.
/// </summary>
internal sealed record IncidentRow
{
    /// <summary>Assigned by the database on insert; orders incidents and pages the list.</summary>
    public long Seq { get; init; }

    /// <summary>The stable id people use: <c>INC-2026-0042</c>.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string? Service { get; init; }

    public required string? Alertname { get; init; }

    /// <summary>1 (SEV1, worst) to 4: see <see cref="Incidents.Severity"/>.</summary>
    public required long Severity { get; init; }

    /// <summary>One of <see cref="IncidentStatus"/>.</summary>
    public required string Status { get; init; }

    public required long StartedAt { get; init; }

    /// <summary>The first acknowledgement, kept across reopenings (MTTA).</summary>
    public long? AcknowledgedAt { get; init; }

    public long? ResolvedAt { get; init; }

    public required long StatusChangedAt { get; init; }

    public required long LastActivityAt { get; init; }

    /// <summary>Digest of the correlation-key labels' values; null when the incident has none of them.</summary>
    public required string? CorrelationHash { get; init; }

    /// <summary>The labels it opened with, as JSON text.</summary>
    public required string Labels { get; init; }

    public bool IsResolved => Status == IncidentStatus.Resolved;
}

/// <summary>The latest state of one alert (by fingerprint) in an incident.</summary>
internal sealed record IncidentAlertRow
{
    public required string IncidentId { get; init; }

    public required string Fingerprint { get; init; }

    public required string GroupKey { get; init; }

    /// <summary><c>firing</c> or <c>resolved</c>.</summary>
    public required string Status { get; init; }

    public required long StartsAt { get; init; }

    public required long? EndsAt { get; init; }

    /// <summary>JSON text.</summary>
    public required string Labels { get; init; }

    /// <summary>JSON text.</summary>
    public required string Annotations { get; init; }

    public required string? GeneratorUrl { get; init; }
}

/// <summary>An Alertmanager group key or a PagerDuty incident linked to an incident; PagerDuty sources carry their own status.</summary>
internal sealed record IncidentSourceRow
{
    public required string IncidentId { get; init; }

    /// <summary>One of <see cref="SourceKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The group key, or the PagerDuty incident id.</summary>
    public required string Key { get; init; }

    public string? Url { get; init; }

    public string? DedupKey { get; init; }

    public string? Status { get; init; }

    public long? StatusAt { get; init; }
}

/// <summary>A timeline entry to append; a second one with the same <paramref name="DedupKey"/> on the incident is ignored.</summary>
internal sealed record NewTimelineEntry(string IncidentId, long AtMs, string Kind, string Message, string? Actor, string DedupKey);

/// <summary>A timeline entry; <see cref="Seq"/> orders entries at the same time and is the paging cursor's tie-break.</summary>
internal sealed record TimelineRow(long Seq, long At, string Kind, string Message, string? Actor);

/// <summary>
/// An incident with what hangs off it, for <c>GET /api/incidents/{id}</c>: its sources, and the latest of its alerts and
/// timeline entries (oldest first), with how many there are in all.
/// </summary>
internal sealed record IncidentDetail(
    IncidentRow Incident,
    IReadOnlyList<IncidentAlertRow> Alerts,
    long AlertCount,
    IReadOnlyList<IncidentSourceRow> Sources,
    IReadOnlyList<TimelineRow> Timeline,
    long TimelineCount,
    string? RelatedIncidentId);

/// <summary>An earlier incident this one repeats, and how its follow-ups stand: open action items and, of those, overdue.</summary>
internal sealed record RelatedIncident(string IncidentId, long OpenItems, long OverdueItems)
{
    public string Describe() => $"related to {IncidentId}: {OpenItems} action item{(OpenItems == 1 ? "" : "s")} open, {OverdueItems} overdue";
}
