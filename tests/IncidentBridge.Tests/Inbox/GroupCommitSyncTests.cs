using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static IncidentBridge.Tests.Support.TestAlert;

namespace IncidentBridge.Tests.Inbox;

/// <summary>
/// A 202 promises its delivery is on disk. On SQLite the group commit commits, gives the write lock back, and a loop of
/// its own syncs the WAL for every group committed since the last sync before their waiters hear anything. Failure
/// model: a commit can be refused (503, nothing stored), or committed and its sync refused (503: stored maybe, promised
/// not), several groups can wait on one sync, and senders retry every 503. Each seed refuses its own schedule of syncs
/// (by call number) while webhooks are posted concurrently; after each schedule: every post ends with a 202, every
/// delivery stored is processed (none dead), and the incidents are exactly those the notifications make, however many
/// times a refused one was stored before its retry.
/// </summary>
public sealed class GroupCommitSyncTests
{
    private const int Notifications = 24;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Refused_syncs_answer_503_and_lose_nothing_answered_202(int seed)
    {
        var faults = new RefusedSyncs(seed);
        await using var worker = new WorkerFactory(services: faults.Install);
        var webhooks = worker.CreateClient();
        var api = worker.CreateApiClient();

        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Notifications), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var body = Notification($"{{}}:{{service=\"svc{i}\"}}", Firing($"a{i}", T0).Service($"svc{i}"), Firing($"b{i}", T0).Service($"svc{i}"));
            while (true)
            {
                using var response = await webhooks.PostAlertmanagerAsync(body);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(await response.DeliveryIdAsync());
                    return;
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Interlocked.Increment(ref refused);
            }
        });

        foreach (var id in accepted)
        {
            await Deliveries.ProcessedAsync(api, id);
        }

        Assert.Equal(Notifications, accepted.Count);
        Assert.InRange(refused, faults.Refused, int.MaxValue);
        Assert.True(faults.Refused > 0, $"seed {seed}: no sync was refused");
        // A delivery stored before its sync was refused is processed too (its retry's alerts then change nothing).
        await Eventually.UntilAsync(() => worker.CountAsync("deliveries", "state <> 'done'"), pending => pending == 0, "every stored delivery is processed");
        var incidents = await new IncidentsClient(worker).AllAsync();
        Assert.Equal(Notifications, incidents.Count);
        Assert.All(incidents, incident => Assert.Equal(2, incident.GetProperty("alerts").GetArrayLength()));
    }

    /// <summary>The real SQLite storage, whose <see cref="IDatabase.SyncCommitsAsync"/> fails on the calls the seed picks (always the first).</summary>
    private sealed class RefusedSyncs(int seed)
    {
        private readonly HashSet<int> _refuse = Schedule(seed);
        private int _calls;
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public void Install(IServiceCollection services)
        {
            // The group commit writes and syncs the inbox's own file.
            services.RemoveAll<InboxDatabase>();
            services.AddSingleton(provider => new InboxDatabase(new Faulty(InboxDatabase.SqliteFile(provider), this), ownFile: true));
        }

        /// <summary>The first sync, and about three in ten of the next 40.</summary>
        private static HashSet<int> Schedule(int seed)
        {
            var random = new Random(seed);
            var calls = new HashSet<int> { 0 };
            for (var call = 1; call <= 40; call++)
            {
                if (random.Next(10) < 3)
                {
                    calls.Add(call);
                }
            }

            return calls;
        }

        private bool RefuseNext()
        {
            var call = Interlocked.Increment(ref _calls) - 1;
            if (!_refuse.Contains(call))
            {
                return false;
            }

            Interlocked.Increment(ref _refused);
            return true;
        }

        private sealed class Faulty(IDatabase inner, RefusedSyncs faults) : IDatabase
        {
            public StorageProvider Provider => inner.Provider;

            public string SkipLocked => inner.SkipLocked;

            public string ForUpdate => inner.ForUpdate;

            public bool WriteTurnWanted => inner.WriteTurnWanted;

            public bool Shared => inner.Shared;

            public string IsAnyOf(string parameter) => inner.IsAnyOf(parameter);

            public string JsonText(string column, string key) => inner.JsonText(column, key);

            public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

            public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

            public Task<DbConnection> OpenForReplayableWorkAsync(CancellationToken cancellationToken) => inner.OpenForReplayableWorkAsync(cancellationToken);

            public Task<DbConnection> OpenForGroupCommitAsync(CancellationToken cancellationToken) => inner.OpenForGroupCommitAsync(cancellationToken);

            public async ValueTask SyncCommitsAsync(CancellationToken cancellationToken)
            {
                await inner.SyncCommitsAsync(cancellationToken);
                if (faults.RefuseNext())
                {
                    throw new IOException("fsync refused (simulated)");
                }
            }

            public ValueTask<WriteTurn> WaitWriteTurnAsync(CancellationToken cancellationToken) => inner.WaitWriteTurnAsync(cancellationToken);

            public Task LockInAsync(DbTransaction tx, IReadOnlyCollection<string> names) => inner.LockInAsync(tx, names);

            public bool IsConflict(Exception exception) => inner.IsConflict(exception);

            public Task<IDatabaseLock?> TryLockAsync(string name, CancellationToken cancellationToken) => inner.TryLockAsync(name, cancellationToken);
        }
    }
}
