using IncidentBridge.Tests.FollowUp.Email;

namespace IncidentBridge.Tests.FollowUp.Digest;

/// <summary>
/// The overdue digest against a real SMTP server (aiosmtpd) that can hold a message at its MAIL FROM until the test lets
/// it go: runs cut short, callers that hang up, and what is recorded between two messages. The whole worker, on SQLite
/// (<see cref="OnSqlite"/>) and PostgreSQL (<see cref="OnPostgres"/>).
/// </summary>
/// <remarks>
/// Failure model these tests play (OverdueDigestJob has the worker's side of it):
/// <list type="bullet">
/// <item>slow: the SMTP server takes its time over a message (held); the run waits, its claim outlasts the wait;</item>
/// <item>cut short: the worker stops (SIGTERM: the run's own token) or the server drops the connection mid-run; what was
/// sent is recorded, the rest is completed by the catch-up, in the same ISO week;</item>
/// <item>duplicated: a re-run or a catch-up after a cut-short run must mail nobody a second time that week;</item>
/// <item>lost: the HTTP caller of <c>/run</c> hangs up; the run is not theirs to stop, every digest still goes out.</item>
/// </list>
/// </remarks>
public abstract class DigestDeliveryTests(PostgresServer? postgres) : IAsyncLifetime
{
    private static readonly string[] Owners = ["ana@acme.example", "ben@acme.example", "cy@acme.example", "dee@acme.example", "eli@acme.example"];

    private SmtpServerProcess _smtp = null!;
    private DigestWorker _worker = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    public sealed class OnSqlite() : DigestDeliveryTests(null);

    [Collection(PostgresCollection.Name)]
    public sealed class OnPostgres(PostgresServer postgres) : DigestDeliveryTests(postgres);

    [Fact]
    public async Task Digest_run_cut_short_is_completed_by_catch_up_without_mailing_anyone_twice()
    {
        await StartAsync(new SmtpServerBehaviour { Hold = [3] });
        await _worker.PublishOverdueAndGoToNextMondayAsync(Owners);
        using var stop = new CancellationTokenSource();

        var run = _worker.RunAsync(cancellationToken: stop.Token);
        await _smtp.WaitUntilHoldingAsync(3);
        // The worker stops (SIGTERM) while the third digest is on its way: that one is finished, the run stops after it.
        await stop.CancelAsync();
        _smtp.Release(3);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var cutShort = _smtp.Received().Count;
        var recorded = await _worker.SentThisWeekAsync();
        _worker.Time.Advance(TimeSpan.FromHours(1));
        var catchUp = await _worker.RunAsync(catchUp: true);
        var nextCatchUp = await _worker.RunAsync(catchUp: true);

        AssertEachMailedOnce();
        Assert.Equal(3, cutShort);
        Assert.Equal(Recipients().Take(3).Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
        Assert.Equal(2, catchUp.Counts["sent"]);
        Assert.Equal(3, catchUp.Counts["skipped"]);
        Assert.False(nextCatchUp.Counts.ContainsKey("sent"), nextCatchUp.Summary);
    }

    [Fact]
    public async Task Caller_hanging_up_does_not_stop_the_digest_run()
    {
        await StartAsync(new SmtpServerBehaviour { Hold = [2] });
        await _worker.PublishOverdueAndGoToNextMondayAsync(Owners);
        using var hangUp = new CancellationTokenSource();

        var call = _worker.Api.PostAsync("/api/jobs/overdue-digest/run", null, hangUp.Token);
        await _smtp.WaitUntilHoldingAsync(2);
        await hangUp.CancelAsync();
        _smtp.Release(2);
        // TestServer ends the hung-up call once the handler returns; whatever it answers, nobody is listening.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Eventually.UntilAsync(_worker.SentThisWeekAsync, sent => sent.Count == Owners.Length, "every digest is sent and recorded");
        var rerun = await _worker.RunAsync();

        Assert.Equal(Owners.Length, rerun.Counts["skipped"]);
        Assert.False(rerun.Counts.ContainsKey("sent"), rerun.Summary);
        AssertEachMailedOnce();
    }

    [Fact]
    public async Task Each_send_is_recorded_before_the_next_is_made()
    {
        await StartAsync(new SmtpServerBehaviour { Hold = [2, 3, 4, 5] });
        await _worker.PublishOverdueAndGoToNextMondayAsync(Owners);

        var run = _worker.RunAsync();
        for (var next = 2; next <= Owners.Length; next++)
        {
            // The server holds the next message's MAIL FROM: every message it has accepted so far must be on record,
            // and the one on its way claimed (and only that one).
            await _smtp.WaitUntilHoldingAsync(next);
            var accepted = Recipients();
            var rows = await _worker.RowsAsync();

            Assert.Equal(next - 1, accepted.Count);
            Assert.Equal(accepted.Order(StringComparer.Ordinal), rows.Where(r => r.SentAt is not null).Select(r => r.Owner));
            var underWay = Assert.Single(rows, r => r.ClaimToken is not null);
            Assert.Null(underWay.SentAt);
            Assert.DoesNotContain(underWay.Owner, accepted);
            _smtp.Release(next);
        }

        var result = await run;

        Assert.Equal(Owners.Length, result.Counts["sent"]);
        Assert.All(await _worker.RowsAsync(), r => Assert.Equal((1L, null), (r.Sends, r.ClaimToken)));
        AssertEachMailedOnce();
    }

    [Fact]
    public async Task Run_the_SMTP_server_cut_off_is_completed_by_the_catch_up_within_the_hour()
    {
        await StartAsync(new SmtpServerBehaviour { Drop = [3] });
        await _worker.PublishOverdueAndGoToNextMondayAsync(Owners);

        var run = await _worker.RunAsync();
        _worker.Time.Advance(TimeSpan.FromHours(1));
        var catchUp = await _worker.RunAsync(catchUp: true);

        Assert.Equal((2L, 3L), (run.Counts["sent"], run.Counts["failed"]));
        Assert.Contains(run.Problems, p => p.Contains("CatchUpCron", StringComparison.Ordinal));
        Assert.Equal((3L, 2L), (catchUp.Counts["sent"], catchUp.Counts["skipped"]));
        AssertEachMailedOnce();
    }

    [Fact]
    public async Task Catch_up_does_nothing_before_the_weeks_run_is_due_and_does_that_run_once_it_is()
    {
        await StartAsync(new SmtpServerBehaviour());
        await _worker.PublishAsync(Owners.Select(o => (o, DigestWorker.PastDue)));
        // Monday 07:00, two hours before the digest's cron (09:00).
        _worker.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(2));

        var early = await _worker.RunAsync(catchUp: true);
        _worker.Time.Advance(TimeSpan.FromHours(3));
        var due = await _worker.RunAsync(catchUp: true);

        Assert.Contains("has not started", early.Summary, StringComparison.Ordinal);
        Assert.Equal(Owners.Length, due.Counts["sent"]);
        AssertEachMailedOnce();
    }

    [Fact]
    public async Task Catch_up_completes_the_weeks_run_and_leaves_items_overdue_since_to_the_next_week()
    {
        await StartAsync(new SmtpServerBehaviour());
        const string late = "fay@acme.example";
        // Due on the Friday of the digest's week: nothing yet at Monday's run (4 days away, beyond the default
        // RemindBeforeDays of 3), due soon by Thursday.
        await _worker.PublishAsync([.. Owners.Select(o => (o, DigestWorker.PastDue)), (late, "2026-12-04")]);
        _worker.Time.Advance(TimeSpan.FromDays(7));

        var monday = await _worker.RunAsync();
        _worker.Time.Advance(TimeSpan.FromDays(3));
        var thursdayCatchUp = await _worker.RunAsync(catchUp: true);
        var thursdayRun = await _worker.RunAsync();

        Assert.Equal(Owners.Length, monday.Counts["sent"]);
        Assert.False(thursdayCatchUp.Counts.ContainsKey("sent"), thursdayCatchUp.Summary);
        Assert.Equal(1, thursdayCatchUp.Counts["notPlanned"]);
        Assert.Equal(1, thursdayRun.Counts["sent"]);
        Assert.Equal([.. Owners, late], Recipients().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Forced_run_mails_everyone_again_and_a_catch_up_after_it_mails_nobody()
    {
        await StartAsync(new SmtpServerBehaviour());
        await _worker.PublishOverdueAndGoToNextMondayAsync(Owners);

        await _worker.RunAsync();
        var forced = await _worker.RunAsync(force: true);
        var catchUp = await _worker.RunAsync(catchUp: true);

        Assert.Equal(Owners.Length, forced.Counts["sent"]);
        Assert.False(catchUp.Counts.ContainsKey("sent"), catchUp.Summary);
        Assert.Equal(Owners.Length * 2, _smtp.Received().Count);
        Assert.All(await _worker.RowsAsync(), r => Assert.Equal(2, r.Sends));
    }

    private async Task StartAsync(SmtpServerBehaviour behaviour)
    {
        _smtp = await SmtpServerProcess.StartAsync(behaviour);
        _worker = await DigestWorker.StartAsync(postgres, _smtp.Port);
    }

    private List<string> Recipients() => [.. _smtp.Received().Select(m => Assert.Single(m.Recipients))];

    private void AssertEachMailedOnce() =>
        Assert.Equal(Owners, Recipients().Order(StringComparer.Ordinal));
}
