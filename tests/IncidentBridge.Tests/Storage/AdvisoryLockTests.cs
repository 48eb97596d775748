using Npgsql;

namespace IncidentBridge.Tests.Storage;

/// <summary>
/// <see cref="IDatabase.TryLockAsync"/> on PostgreSQL: a session-level advisory lock held on a connection of its own,
/// which its holder can ask about, so a holder whose session ended (server restart, <c>pg_terminate_backend</c>, a
/// dropped network path) knows it no longer has the lock that another replica may have taken.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AdvisoryLockTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Name = "test-lock";
    private readonly Dictionary<string, string?> _settings = postgres.Settings();
    private WorkerFactory _worker = null!;

    private string ConnectionString => _settings["IncidentBridge:Storage:ConnectionString"] ?? "";

    private IDatabase Database => _worker.Service<IDatabase>();

    public Task InitializeAsync()
    {
        _worker = new WorkerFactory(_settings);
        _worker.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Held_lock_says_so_and_keeps_another_holder_out()
    {
        await using var held = await Database.TryLockAsync(Name, CancellationToken.None);

        Assert.NotNull(held);
        Assert.True(await held.IsHeldAsync(CancellationToken.None));
        Assert.Null(await Database.TryLockAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task Holder_whose_session_is_terminated_no_longer_holds_the_lock_and_another_holder_takes_it()
    {
        await using var held = await Database.TryLockAsync(Name, CancellationToken.None);
        Assert.NotNull(held);

        await AdvisoryLockHolders.TerminateAsync(ConnectionString, Name);

        Assert.False(await held.IsHeldAsync(CancellationToken.None));
        await using var next = await Database.TryLockAsync(Name, CancellationToken.None);
        Assert.NotNull(next);
        Assert.True(await next.IsHeldAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Held_locks_take_no_connection_from_the_pool()
    {
        var settings = new Dictionary<string, string?>(_settings)
        {
            ["IncidentBridge:Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 2, Timeout = 3 }.ToString(),
            ["IncidentBridge:Inbox:ProcessingEnabled"] = "false",
        };
        await using var worker = new WorkerFactory(settings);
        worker.CreateClient();
        var database = worker.Service<IDatabase>();
        await using var first = await database.TryLockAsync("first", CancellationToken.None);
        await using var second = await database.TryLockAsync("second", CancellationToken.None);

        await using var connection = await database.OpenAsync(CancellationToken.None);

        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }
}
