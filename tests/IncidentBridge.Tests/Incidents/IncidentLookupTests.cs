using IncidentBridge.Incidents;

namespace IncidentBridge.Tests.Incidents;

/// <summary>
/// Correlation's lookups read their rows by position (<see cref="CachedStatements.QueryFirstRowAsync"/>): each one must
/// give back an incident, and an alert, exactly as written, every column in its place, nulls included.
/// </summary>
public abstract class IncidentLookupTests(PostgresServer? postgres) : IAsyncLifetime
{
    private readonly WorkerFactory _worker = new(postgres.Settings());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Each_lookup_reads_an_incident_and_its_alert_as_written()
    {
        _worker.CreateClient();
        var database = _worker.Service<IDatabase>();
        var full = new IncidentRow
        {
            Id = "INC-2026-9001",
            Title = "HighErrorRate on checkout",
            Service = "checkout",
            Alertname = "HighErrorRate",
            Severity = 2,
            Status = IncidentStatus.Resolved,
            StartedAt = 1_000,
            AcknowledgedAt = 2_000,
            ResolvedAt = 3_000,
            StatusChangedAt = 3_001,
            LastActivityAt = 3_002,
            CorrelationHash = "hash-of-checkout",
            Labels = """{"service":"checkout"}""",
        };
        var sparse = full with
        {
            Id = "INC-2026-9002",
            Title = "Alert",
            Service = null,
            Alertname = null,
            Status = IncidentStatus.Triggered,
            AcknowledgedAt = null,
            ResolvedAt = null,
            CorrelationHash = null,
        };
        var alert = new IncidentAlertRow
        {
            IncidentId = full.Id,
            Fingerprint = "f00d",
            GroupKey = "{}:{service=\"checkout\"}",
            Status = "resolved",
            StartsAt = 1_000,
            EndsAt = 2_500,
            Labels = """{"alertname":"HighErrorRate"}""",
            Annotations = """{"summary":"errors"}""",
            GeneratorUrl = "http://prometheus/graph",
        };
        var bare = alert with { IncidentId = sparse.Id, Fingerprint = "beef", Status = "firing", EndsAt = null, GeneratorUrl = null };

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await using (CachedStatements.KeepOn(connection))
        {
            foreach (var (incident, groupKey) in new[] { (full, "full-group"), (sparse, "sparse-group") })
            {
                await IncidentStore.InsertInAsync(transaction, incident, nowMs: 5_000);
                await IncidentStore.AddSourceInAsync(transaction, new IncidentSourceRow { IncidentId = incident.Id, Kind = SourceKinds.Alertmanager, Key = groupKey, DedupKey = $"dedup-{groupKey}" }, nowMs: 5_000);
            }

            await IncidentStore.UpsertAlertsInAsync(transaction, [alert, bare], nowMs: 5_000);

            var found = new[]
            {
                await IncidentStore.FindBySourceInAsync(transaction, SourceKinds.Alertmanager, "full-group", database),
                await IncidentStore.FindBySourceDedupKeyInAsync(transaction, SourceKinds.Alertmanager, "dedup-full-group", database),
                await IncidentStore.FindByFingerprintInAsync(transaction, "f00d", database),
                await IncidentStore.FindByCorrelationInAsync(transaction, "hash-of-checkout", 0, database),
            };
            Assert.All(found, row => Assert.Equal(full with { Seq = row!.Seq }, row));
            Assert.True(found[0]!.Seq > 0);

            var foundSparse = await IncidentStore.FindBySourceInAsync(transaction, SourceKinds.Alertmanager, "sparse-group", database);
            Assert.Equal(sparse with { Seq = foundSparse!.Seq }, foundSparse);
            Assert.Equal(sparse, await IncidentStore.FindByFingerprintInAsync(transaction, "beef", database) is { } byBeef ? byBeef with { Seq = 0 } : null);

            Assert.Equal(alert, await IncidentStore.GetAlertInAsync(transaction, full.Id, "f00d"));
            Assert.Equal(bare, await IncidentStore.GetAlertInAsync(transaction, sparse.Id, "beef"));
            Assert.Null(await IncidentStore.GetAlertInAsync(transaction, full.Id, "beef"));
            Assert.Null(await IncidentStore.FindBySourceInAsync(transaction, SourceKinds.Alertmanager, "no-such-group", database));
        }

        // Outside a scope, with a statement of its own.
        var again = await IncidentStore.FindBySourceInAsync(transaction, SourceKinds.Alertmanager, "full-group", database);
        Assert.Equal(full with { Seq = again!.Seq }, again);
    }

    public sealed class OnSqlite() : IncidentLookupTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : IncidentLookupTests(postgres);
}
