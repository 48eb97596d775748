using IncidentBridge.Correlation;
using IncidentBridge.Incidents;
using ObservedAlert = IncidentBridge.Correlation.AlertCorrelator.ObservedAlert;

namespace IncidentBridge.Tests.Correlation;

/// <summary>
/// <see cref="SourceEventStore.RecordAlertsInAsync"/> tells which alert states of a notification are new from the rows
/// its statements inserted. Seeded sequences of notifications over a small space of states (so most repeat something:
/// an earlier notification, another group's, their own copies, across the hundred-alert statements) are checked
/// against a model of what was recorded: a state is new once, in its first copy, in its own group.
/// </summary>
public abstract class AlertStateRecordingTests(PostgresServer? postgres) : IAsyncLifetime
{
    private static readonly int[] Sizes = [0, 1, 3, 10, 10, 10, 101, 150, 250];

    private readonly WorkerFactory _worker = new(postgres.Settings());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Each_state_is_new_once_in_its_first_copy(int seed)
    {
        _worker.CreateClient();
        var database = _worker.Service<IDatabase>();
        var random = new Random(seed);
        var recorded = new HashSet<(string GroupKey, string Fingerprint, string Status, long StartsAt)>();
        var sent = new List<(string DeliveryId, string GroupKey, List<ObservedAlert> Alerts)>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var scope = CachedStatements.KeepOn(connection);
        for (var delivery = 0; delivery < 40; delivery++)
        {
            var (deliveryId, groupKey, alerts) = random.Next(8) switch
            {
                // The same delivery again (its earlier attempt committed) or another delivery of the same notification.
                0 when sent.Count > 0 => sent[random.Next(sent.Count)],
                1 when sent.Count > 0 => sent[random.Next(sent.Count)] with { DeliveryId = $"{seed}-{delivery}" },
                _ => NewNotification($"{seed}-{delivery}", random),
            };
            sent.Add((deliveryId, groupKey, alerts));

            var expected = alerts.Select(a => recorded.Add((groupKey, a.Fingerprint, a.Status, a.StartsAt))).ToArray();
            await using var transaction = await connection.BeginTransactionAsync();
            var fresh = await SourceEventStore.RecordAlertsInAsync(transaction, deliveryId, 1_000, "receiver", groupKey, alerts);
            await transaction.CommitAsync();

            Assert.True(expected.SequenceEqual(fresh), $"delivery {delivery} ({alerts.Count} alerts of {groupKey}): expected [{string.Join(",", expected.Select(x => x ? 1 : 0))}], got [{string.Join(",", fresh.Select(x => x ? 1 : 0))}]");
        }
    }

    /// <summary>A notification of one of two groups whose alerts are drawn from 30 fingerprints, two starts and both statuses.</summary>
    private static (string DeliveryId, string GroupKey, List<ObservedAlert> Alerts) NewNotification(string deliveryId, Random random)
    {
        var groupKey = $"{{}}:{{service=\"svc-{random.Next(2)}\"}}";
        var alerts = Enumerable.Range(0, Sizes[random.Next(Sizes.Length)])
            .Select(_ => new ObservedAlert(
                SourceKinds.Alertmanager,
                groupKey,
                $"fp{random.Next(30):00}",
                Firing: random.Next(3) > 0,
                StartsAt: random.Next(2) * 1_000,
                EndsAt: null,
                At: 0,
                Labels: new Dictionary<string, string>(),
                Annotations: new Dictionary<string, string>(),
                GeneratorUrl: null,
                CorrelationHash: null))
            .ToList();
        return (deliveryId, groupKey, alerts);
    }

    public sealed class OnSqlite() : AlertStateRecordingTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : AlertStateRecordingTests(postgres);
}
