namespace IncidentBridge.Correlation;

/// <summary>
/// <c>alert_events</c> and <c>pagerduty_events</c>: what each delivery said, recorded once. Their unique keys are the
/// sources' identities of a repeat (an alert state: group key, fingerprint, status and startsAt; a PagerDuty event: its
/// id; docs/PROTOCOLS.md), so a repeat records nothing and Correlation leaves it alone.
/// </summary>
internal static class SourceEventStore
{
    /// <summary>Most alerts recorded by one statement (9 parameters each, far below either database's limit).</summary>
    private const int AlertsPerStatement = 100;

    /// <summary>
    /// Records the alert states of one notification, a statement per hundred alerts rather than one per alert; returns,
    /// for each alert in order, whether it is new: false for a state recorded before (a repeat), and for the second
    /// copy of a state the notification itself repeats.
    /// </summary>
    /// <remarks>
    /// Which states were new is told by the count of rows each statement inserted: all of them (a new notification) or
    /// none (a repeat) settle it at once. Only a statement that inserted some reads back which: the states of its alerts
    /// that carry this delivery's id. No other delivery records a state under that id, and one recorded by this delivery
    /// before this call (an earlier attempt that committed) is either a repeat of the whole notification (none inserted)
    /// or rolled back with this attempt, which finds the earlier one's processed mark. Asking SQLite to return the rows
    /// it inserted (<c>RETURNING</c>) instead made the processing of a backlog ~4 % slower (SQLite buffers them).
    /// </remarks>
    public static async Task<bool[]> RecordAlertsInAsync(
        DbTransaction tx, string deliveryId, long receivedAtMs, string receiver, string groupKey, IReadOnlyList<AlertCorrelator.ObservedAlert> alerts)
    {
        var fresh = new bool[alerts.Count];
        var firsts = FirstOfEachState(alerts);
        for (var first = 0; first < firsts.Count; first += AlertsPerStatement)
        {
            var chunk = firsts.GetRange(first, Math.Min(AlertsPerStatement, firsts.Count - first));
            var parameters = new List<(string, object?)>(4 + chunk.Count * 5)
            {
                ("@DeliveryId", deliveryId), ("@Receiver", receiver), ("@GroupKey", groupKey), ("@ReceivedAt", receivedAtMs),
            };
            var values = new StringBuilder();
            for (var i = 0; i < chunk.Count; i++)
            {
                var alert = alerts[chunk[i]];
                values.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@DeliveryId, @Receiver, @GroupKey, @F{i}, @S{i}, @A{i}, @E{i}, @U{i}, @ReceivedAt)");
                parameters.Add(($"@F{i}", alert.Fingerprint));
                parameters.Add(($"@S{i}", alert.Status));
                parameters.Add(($"@A{i}", alert.StartsAt));
                parameters.Add(($"@E{i}", alert.EndsAt));
                parameters.Add(($"@U{i}", alert.GeneratorUrl));
            }

            var inserted = await CachedStatements.ExecuteAsync(
                tx,
                $"""
                INSERT INTO alert_events (delivery_id, receiver, group_key, fingerprint, status, starts_at, ends_at, generator_url, received_at)
                VALUES {values}
                ON CONFLICT DO NOTHING
                """,
                [.. parameters]);
            if (inserted == 0)
            {
                continue;
            }

            var recordedHere = inserted == chunk.Count ? null : await RecordedByAsync(tx, deliveryId, groupKey, chunk.Select(i => alerts[i].Fingerprint));
            foreach (var index in chunk)
            {
                fresh[index] = recordedHere?.Contains(StateOf(alerts[index])) ?? true;
            }
        }

        return fresh;
    }

    /// <summary>The place of each state's first copy in <paramref name="alerts"/>, in order.</summary>
    private static List<int> FirstOfEachState(IReadOnlyList<AlertCorrelator.ObservedAlert> alerts)
    {
        var seen = new HashSet<(string, string, long)>(alerts.Count);
        var firsts = new List<int>(alerts.Count);
        for (var i = 0; i < alerts.Count; i++)
        {
            if (seen.Add(StateOf(alerts[i])))
            {
                firsts.Add(i);
            }
        }

        return firsts;
    }

    private static (string Fingerprint, string Status, long StartsAt) StateOf(AlertCorrelator.ObservedAlert alert) => (alert.Fingerprint, alert.Status, alert.StartsAt);

    /// <summary>The states of <paramref name="fingerprints"/> in <paramref name="groupKey"/> that <paramref name="deliveryId"/> recorded.</summary>
    private static async Task<HashSet<(string, string, long)>> RecordedByAsync(DbTransaction tx, string deliveryId, string groupKey, IEnumerable<string> fingerprints)
    {
        var parameters = new List<(string, object?)> { ("@GroupKey", groupKey), ("@DeliveryId", deliveryId) };
        foreach (var fingerprint in fingerprints.Distinct(StringComparer.Ordinal))
        {
            parameters.Add(($"@F{parameters.Count - 2}", fingerprint));
        }

        var rows = await CachedStatements.QueryRowsAsync(
            tx,
            $"""
            SELECT fingerprint, status, starts_at FROM alert_events
            WHERE group_key = @GroupKey AND fingerprint IN ({string.Join(", ", parameters.Skip(2).Select(p => p.Item1))}) AND delivery_id = @DeliveryId
            """,
            row => (row.Text(0), row.Text(1), row.Integer(2)),
            [.. parameters]);
        return [.. rows];
    }

    /// <summary>
    /// The resolved states of <paramref name="groupKey"/>'s alerts that started at or after <paramref name="sinceMs"/>,
    /// by fingerprint and start, with their end: what a firing arriving after its own resolve must be closed by.
    /// </summary>
    public static async Task<Dictionary<(string Fingerprint, long StartsAt), long?>> ResolvedInAsync(DbTransaction tx, string groupKey, long sinceMs)
    {
        var rows = await CachedStatements.QueryRowsAsync(
            tx,
            "SELECT fingerprint, starts_at, ends_at FROM alert_events WHERE group_key = @GroupKey AND status = 'resolved' AND starts_at >= @SinceMs",
            row => (Fingerprint: row.Text(0), StartsAt: row.Integer(1), EndsAt: row.IntegerOrNull(2)),
            ("@GroupKey", groupKey),
            ("@SinceMs", sinceMs));
        return rows.ToDictionary(r => (r.Fingerprint, r.StartsAt), r => r.EndsAt);
    }

    /// <summary>Records a PagerDuty event with the incident it is about; false when its id was recorded before (a retry).</summary>
    public static async Task<bool> RecordPagerDutyEventInAsync(
        DbTransaction tx, string deliveryId, long receivedAtMs, PagerDutyEvent evt, (string? Id, string? Key) incident) =>
        await Connection(tx).ExecuteAsync(
            """
            INSERT INTO pagerduty_events (event_id, delivery_id, event_type, resource_type, occurred_at, incident_id, incident_key, agent, data, received_at)
            VALUES (@EventId, @DeliveryId, @EventType, @ResourceType, @OccurredAt, @IncidentId, @IncidentKey, @Agent, @Data, @ReceivedAt)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                EventId = evt.Id,
                DeliveryId = deliveryId,
                evt.EventType,
                evt.ResourceType,
                OccurredAt = evt.OccurredAt.GetValueOrDefault().ToUnixTimeMilliseconds(),
                IncidentId = incident.Id,
                IncidentKey = incident.Key,
                Agent = RawOrNull(evt.Agent),
                Data = RawOrNull(evt.Data),
                ReceivedAt = receivedAtMs,
            },
            tx) == 1;

    private static string? RawOrNull(JsonElement? element) =>
        element is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value ? value.GetRawText() : null;

    private static DbConnection Connection(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
}
