using System.Diagnostics.CodeAnalysis;

namespace IncidentBridge.Correlation;

/// <summary>
/// Places one new alert state from Alertmanager or Grafana (the same shape, <see cref="AlertSender"/>) into an incident.
/// A firing alert joins, in
/// this order: the incident of its group key, the incident that holds its fingerprint (either one
/// reopened when resolved within <c>ReopenWindow</c>), or the incident with the same correlation-key
/// values active within <c>Window</c>; otherwise it opens a new incident. Windows are measured in
/// alert time (startsAt/endsAt), so a late or replayed delivery lands where it would have on time.
/// </summary>
internal sealed partial class AlertCorrelator(IOptions<CorrelationOptions> options, IDatabase database, TimeProvider time, ILogger<AlertCorrelator> logger)
{
    private readonly CorrelationOptions _options = options.Value;

    /// <summary>
    /// Starts one notification: takes the lock of every key its alerts can match an incident by (<see cref="CorrelationLocks"/>),
    /// before anything is read, so a replica correlating another notification that shares a key waits for this one's
    /// commit and then sees what it made, instead of opening a second incident for the same problem.
    /// </summary>
    public async Task<Notification> BeginAsync(DbTransaction tx, string groupKey, IEnumerable<ObservedAlert> alerts)
    {
        if (!database.Shared)
        {
            // One processor per database: nobody to wait for, and the digests below would cost a SHA-256 per group key.
            return new Notification(database);
        }

        var locks = new HashSet<string>(StringComparer.Ordinal) { CorrelationLocks.GroupKey(groupKey), CorrelationLocks.DedupKey(CorrelationKey.PagerDutyDedupKey(groupKey)) };
        foreach (var alert in alerts)
        {
            locks.Add(CorrelationLocks.Fingerprint(alert.Fingerprint));
            if (alert.CorrelationHash is { } hash)
            {
                locks.Add(CorrelationLocks.Hash(hash));
            }
        }

        await database.LockInAsync(tx, locks);
        return new Notification(database);
    }

    /// <summary>
    /// The alert states of a notification, each with what correlation derives from it worked out at once (its labels' and
    /// annotations' JSON, correlation hash, title): no database, so it can be done before the notification's transaction,
    /// on another thread (<see cref="Inbox.IDeliveryHandler.Prepare"/>).
    /// </summary>
    /// <param name="source">The sender (<see cref="SourceKinds"/>): its group keys are its own, so they are sources of that kind.</param>
    public List<ObservedAlert> Observe(string source, string groupKey, IEnumerable<AlertmanagerAlert> alerts, long receivedAtMs)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        return [.. alerts.Select(alert => ObservedAlert.From(source, groupKey, alert, AlertmanagerPayloadParser.FingerprintOf(alert), receivedAtMs, _options.EffectiveKeys, hashes))];
    }

    /// <summary>Places the alert state (<see cref="Observe"/>) into an incident.</summary>
    /// <param name="notification">What the notification's earlier alerts left: one per notification, in its transaction.</param>
    public Task ApplyAsync(DbTransaction tx, ObservedAlert alert, Notification notification) =>
        alert.Firing ? FireAsync(tx, alert, notification) : ResolveAsync(tx, alert, notification);

    private async Task FireAsync(DbTransaction tx, ObservedAlert alert, Notification notification)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (stored, byGroupKey) = await MatchAsync(tx, alert, notification);
        if (stored is null)
        {
            await OpenAsync(tx, alert, nowMs, notification);
            return;
        }

        var known = await notification.AlertAsync(tx, stored.Id, alert.Fingerprint);
        if (known is not null && known.StartsAt >= alert.StartsAt)
        {
            // Same firing seen already, or an older one arriving late: the alert changes nothing. Its group key still
            // leads to the incident that holds it, whichever group carrying the alert was heard first (an alert routed
            // to two receivers is in two groups), so a page keyed by either group finds it.
            if (!byGroupKey)
            {
                await LinkAsync(tx, stored, alert, nowMs, notification);
            }

            return;
        }

        var incident = stored;
        if (incident.IsResolved)
        {
            incident = incident with { Status = IncidentStatus.Triggered, ResolvedAt = null, StatusChangedAt = alert.At };
            notification.Append(new(incident.Id, alert.At, TimelineKinds.Reopened, $"Reopened: {alert.Description} fired again", null, $"reopened:{alert.Fingerprint}:{alert.StartsAt}"));
            LogReopened(incident.Id, alert.Fingerprint);
        }

        await JoinAsync(tx, stored, incident, alert, nowMs, linked: byGroupKey, notification);
    }

    private async Task ResolveAsync(DbTransaction tx, ObservedAlert alert, Notification notification)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await notification.WriteAlertsAsync(tx);
        var incident = await IncidentStore.FindByFingerprintInAsync(tx, alert.Fingerprint, database);
        var known = incident is null ? null : await notification.AlertAsync(tx, incident.Id, alert.Fingerprint);
        if (incident is null || known is null || known.StartsAt > alert.StartsAt || (known.Status == "resolved" && known.StartsAt == alert.StartsAt))
        {
            // Never saw it fire, or it is a stale resolve of an earlier firing: nothing to close.
            return;
        }

        notification.Upsert(alert.ToRow(incident.Id), nowMs);
        notification.Append(new(incident.Id, alert.At, TimelineKinds.AlertResolved, $"{alert.Description} resolved", null, $"alert:{alert.Fingerprint}:resolved:{alert.StartsAt}"));
        incident = incident with { LastActivityAt = Math.Max(incident.LastActivityAt, alert.At) };
        if (!incident.IsResolved && !await notification.AnythingOpenAsync(tx, incident.Id))
        {
            incident = incident with { Status = IncidentStatus.Resolved, ResolvedAt = alert.At, StatusChangedAt = alert.At };
            notification.Append(new(incident.Id, alert.At, TimelineKinds.Resolved, "Resolved: all alerts resolved", null, $"resolved:{alert.Fingerprint}:{alert.StartsAt}"));
            LogResolved(incident.Id);
        }

        await IncidentStore.UpdateInAsync(tx, incident);
        notification.Wrote(incident);
    }

    /// <summary>The incident the alert joins, if any, and whether it was found through the alert's own group key.</summary>
    private async Task<(IncidentRow? Incident, bool ByGroupKey)> MatchAsync(DbTransaction tx, ObservedAlert alert, Notification notification)
    {
        // One lookup after the other, not all at once: most alerts of a notification find their group key's incident.
        var byGroupKey = await notification.IncidentOfGroupKeyAsync(tx, alert.Source, alert.GroupKey);
        if (Joinable(byGroupKey, alert))
        {
            return (byGroupKey, true);
        }

        await notification.WriteAlertsAsync(tx);
        var byFingerprint = await IncidentStore.FindByFingerprintInAsync(tx, alert.Fingerprint, database);
        if (Joinable(byFingerprint, alert))
        {
            return (byFingerprint, false);
        }

        return (alert.CorrelationHash is not { } hash ? null : await IncidentStore.FindByCorrelationInAsync(tx, hash, alert.At - (long)_options.Window.TotalMilliseconds, database), false);
    }

    /// <summary>An incident of the alert's own (group key or fingerprint) is joined while open, or reopened within ReopenWindow.</summary>
    private bool Joinable([NotNullWhen(true)] IncidentRow? own, ObservedAlert alert) =>
        own is not null && (!own.IsResolved || alert.At - own.ResolvedAt <= (long)_options.ReopenWindow.TotalMilliseconds);

    private async Task OpenAsync(DbTransaction tx, ObservedAlert alert, long nowMs, Notification notification)
    {
        var id = await IncidentStore.NextIdInAsync(tx, DateTimeOffset.FromUnixTimeMilliseconds(alert.At).Year);
        var incident = new IncidentRow
        {
            Id = id,
            Title = alert.Title,
            Service = alert.Label("service"),
            Alertname = alert.Label("alertname"),
            Severity = alert.Severity,
            Status = IncidentStatus.Triggered,
            StartedAt = alert.At,
            StatusChangedAt = alert.At,
            LastActivityAt = alert.At,
            CorrelationHash = alert.CorrelationHash,
            Labels = alert.LabelsJson,
        };
        await IncidentStore.InsertInAsync(tx, incident, nowMs);
        notification.Opened(id);
        notification.Append(new(id, alert.At, TimelineKinds.Opened, $"Opened by {alert.Description} ({Severity.Name(alert.Severity)})", null, "opened"));
        LogOpened(id, incident.Title, Severity.Name(alert.Severity));
        await RepeatIncidents.NoteAsync(tx, incident, alert.At, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), notification.Append);
        await JoinAsync(tx, incident, incident, alert, nowMs, linked: false, notification);
    }

    /// <summary>
    /// Adds the alert to <paramref name="incident"/> (the <paramref name="stored"/> row, maybe reopened). Writes only what
    /// changes: the group key's link when it is not <paramref name="linked"/> yet, the incident row when it differs.
    /// </summary>
    private static async Task JoinAsync(DbTransaction tx, IncidentRow stored, IncidentRow incident, ObservedAlert alert, long nowMs, bool linked, Notification notification)
    {
        if (!linked)
        {
            await LinkAsync(tx, incident, alert, nowMs, notification);
        }

        notification.Upsert(alert.ToRow(incident.Id), nowMs);
        notification.Append(new(incident.Id, alert.At, TimelineKinds.AlertFiring, $"{alert.Description} firing", null, $"alert:{alert.Fingerprint}:firing:{alert.StartsAt}"));
        if (alert.Severity < incident.Severity)
        {
            notification.Append(new(incident.Id, alert.At, TimelineKinds.SeverityRaised, $"Severity raised from {Severity.Name(incident.Severity)} to {Severity.Name(alert.Severity)} by {alert.Description}", null, $"severity:{alert.Fingerprint}:{alert.StartsAt}"));
            incident = incident with { Severity = alert.Severity };
        }

        incident = incident with { LastActivityAt = Math.Max(incident.LastActivityAt, alert.At), StartedAt = Math.Min(incident.StartedAt, alert.At) };
        if (incident != stored)
        {
            await IncidentStore.UpdateInAsync(tx, incident);
            notification.Wrote(incident);
        }
    }

    /// <summary>Makes the alert's group key lead to <paramref name="incident"/>.</summary>
    private static async Task LinkAsync(DbTransaction tx, IncidentRow incident, ObservedAlert alert, long nowMs, Notification notification)
    {
        // Alertmanager's and Grafana's own PagerDuty integrations page with dedup_key = SHA-256(group key): kept here so that page joins this incident.
        await IncidentStore.AddSourceInAsync(tx, new IncidentSourceRow { IncidentId = incident.Id, Kind = alert.Source, Key = alert.GroupKey, DedupKey = CorrelationKey.PagerDutyDedupKey(alert.GroupKey) }, nowMs);
        notification.Linked(incident);
    }

    /// <summary>
    /// What one notification's alerts read and wrote, inside its transaction (and its savepoint), where nothing else
    /// writes incidents: the incident of its group key, read once and kept as the notification's own alerts change it (a
    /// notification often carries dozens), and its alert states and timeline entries, held and written together in a
    /// statement or two (<see cref="WriteAsync"/>) instead of two statements per alert. Held alert states are written
    /// before anything reads the alerts table; the timeline is read by nothing here. Lives for one notification.
    /// </summary>
    internal sealed class Notification(IDatabase database)
    {
        private readonly Dictionary<(string IncidentId, string Fingerprint), IncidentAlertRow> _alerts = [];
        private readonly Dictionary<(string IncidentId, string Fingerprint), IncidentAlertRow> _unwritten = [];
        private readonly List<NewTimelineEntry> _timeline = [];
        private readonly HashSet<string> _opened = new(StringComparer.Ordinal);
        private IncidentRow? _ofGroupKey;
        private bool _known;
        private long _nowMs;

        /// <summary>The incident the group key leads to (the row is locked: <see cref="IncidentStore.FindBySourceInAsync"/>).</summary>
        public async Task<IncidentRow?> IncidentOfGroupKeyAsync(DbTransaction tx, string source, string groupKey)
        {
            if (!_known)
            {
                (_ofGroupKey, _known) = (await IncidentStore.FindBySourceInAsync(tx, source, groupKey, database), true);
            }

            return _ofGroupKey;
        }

        /// <summary>
        /// The group key was linked to <paramref name="incident"/>. One this notification opened is the newest of all, so
        /// it is the group key's now; else which one is its newest is read again.
        /// </summary>
        public void Linked(IncidentRow incident) =>
            (_ofGroupKey, _known) = _opened.Contains(incident.Id) ? (incident, true) : (null, false);

        /// <summary>An incident row as just written: kept if it is the group key's.</summary>
        public void Wrote(IncidentRow incident)
        {
            if (_ofGroupKey?.Id == incident.Id)
            {
                _ofGroupKey = incident;
            }
        }

        /// <summary>An incident this notification opened: it holds no alerts but those written here.</summary>
        public void Opened(string incidentId) => _opened.Add(incidentId);

        /// <summary>The alert's state in the incident: as this notification last wrote it, else as stored.</summary>
        public async Task<IncidentAlertRow?> AlertAsync(DbTransaction tx, string incidentId, string fingerprint) =>
            _alerts.TryGetValue((incidentId, fingerprint), out var row) ? row
            : _opened.Contains(incidentId) ? null
            : await IncidentStore.GetAlertInAsync(tx, incidentId, fingerprint);

        public void Upsert(IncidentAlertRow alert, long nowMs)
        {
            _alerts[(alert.IncidentId, alert.Fingerprint)] = alert;
            _unwritten[(alert.IncidentId, alert.Fingerprint)] = alert;
            _nowMs = nowMs;
        }

        public void Append(NewTimelineEntry entry) => _timeline.Add(entry);

        public async Task<bool> AnythingOpenAsync(DbTransaction tx, string incidentId)
        {
            await WriteAlertsAsync(tx);
            return await IncidentStore.AnythingOpenInAsync(tx, incidentId);
        }

        /// <summary>Writes the alert states held so far, so a query of the alerts table sees them.</summary>
        public async Task WriteAlertsAsync(DbTransaction tx)
        {
            if (_unwritten.Count > 0)
            {
                await IncidentStore.UpsertAlertsInAsync(tx, [.. _unwritten.Values], _nowMs);
                _unwritten.Clear();
            }
        }

        /// <summary>Writes everything held: called once the notification's last alert is applied.</summary>
        public async Task WriteAsync(DbTransaction tx)
        {
            await WriteAlertsAsync(tx);
            if (_timeline.Count > 0)
            {
                await IncidentStore.AppendTimelineInAsync(tx, _timeline);
                _timeline.Clear();
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Opened incident {IncidentId} \"{Title}\" ({Severity})")]
    private partial void LogOpened(string incidentId, string title, string severity);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Reopened incident {IncidentId}: alert {Fingerprint} fired again")]
    private partial void LogReopened(string incidentId, string fingerprint);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Resolved incident {IncidentId}: all its alerts resolved")]
    private partial void LogResolved(string incidentId);

    /// <summary>
    /// One alert state from a notification, in the units the store uses, and what correlation derives from it (made by
    /// <see cref="Observe"/>). <see cref="At"/> is when the state began: startsAt when firing, else endsAt or the delivery's receipt.
    /// </summary>
    internal sealed record ObservedAlert(string Source, string GroupKey, string Fingerprint, bool Firing, long StartsAt, long? EndsAt, long At, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, string? GeneratorUrl, string? CorrelationHash)
    {
        public string Status => Firing ? "firing" : "resolved";

        public int Severity { get; } = Incidents.Severity.FromAlertLabel(Label(Labels, "severity"));

        public string LabelsJson { get; } = JsonSerializer.Serialize(Labels, RecordJsonContext.Default.IReadOnlyDictionaryStringString);

        public string AnnotationsJson { get; } = JsonSerializer.Serialize(Annotations, RecordJsonContext.Default.IReadOnlyDictionaryStringString);

        public string Title { get; } =
            Annotations.TryGetValue("summary", out var summary) && !string.IsNullOrWhiteSpace(summary) ? summary
            : Label(Labels, "service") is { } service ? $"{Label(Labels, "alertname") ?? "Alert"} on {service}"
            : Label(Labels, "alertname") ?? "Alert";

        /// <summary>How the timeline names the alert.</summary>
        public string Description { get; } = $"{Label(Labels, "alertname") ?? "alert"} [{Fingerprint}]";

        /// <param name="hashes">Correlation hashes already worked out for the notification (<see cref="CorrelationKey.Of"/>).</param>
        public static ObservedAlert From(string source, string groupKey, AlertmanagerAlert alert, string fingerprint, long receivedAtMs, IReadOnlyList<string> correlationKeys, Dictionary<string, string> hashes)
        {
            var firing = alert.Status == "firing";
            var startsAt = alert.StartsAt.GetValueOrDefault().ToUnixTimeMilliseconds();
            var endsAt = alert.EndedAt?.ToUnixTimeMilliseconds();
            var at = firing ? startsAt : endsAt ?? receivedAtMs;
            IReadOnlyDictionary<string, string> labels = alert.Labels ?? [];
            return new(source, groupKey, fingerprint, firing, startsAt, endsAt, at, labels, alert.Annotations ?? [], alert.GeneratorUrl, CorrelationKey.Of(labels, correlationKeys, hashes));
        }

        /// <summary>The same alert ended at <paramref name="endsAtMs"/> (when known; else at <paramref name="receivedAtMs"/>).</summary>
        public ObservedAlert Resolved(long? endsAtMs, long receivedAtMs) => this with { Firing = false, EndsAt = endsAtMs, At = endsAtMs ?? receivedAtMs };

        public string? Label(string name) => Label(Labels, name);

        private static string? Label(IReadOnlyDictionary<string, string> labels, string name) =>
            labels.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        public IncidentAlertRow ToRow(string incidentId) => new()
        {
            IncidentId = incidentId,
            Fingerprint = Fingerprint,
            GroupKey = GroupKey,
            Status = Status,
            StartsAt = StartsAt,
            EndsAt = EndsAt,
            Labels = LabelsJson,
            Annotations = AnnotationsJson,
            GeneratorUrl = GeneratorUrl,
        };
    }
}
