namespace IncidentBridge.Tests.FollowUp;

public sealed class FollowUpFiguresTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 31, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Items_are_counted_open_overdue_and_done_by_team_owner_and_priority()
    {
        FollowUpRow[] rows =
        [
            Row("Bob", "P1", "open", "2026-12-01", team: "payments"),
            Row("Bob", "P2", "in-progress", "2027-01-15", team: "payments"),
            Row("Carol", "P1", "done", "2026-12-01"),
        ];

        var figures = FollowUpFigures.Compute(rows, Now);

        Assert.Equal(new FollowUpCounts(2, 1, 1), figures.Total);
        Assert.Equal(new FollowUpCounts(2, 1, 0), figures.ByTeam["payments"]);
        Assert.Equal(new FollowUpCounts(0, 0, 1), figures.ByTeam[FollowUpFigures.NoTeam]);
        Assert.Equal(new FollowUpCounts(2, 1, 0), figures.ByOwner["Bob"]);
        Assert.Equal(new FollowUpCounts(1, 1, 1), figures.ByPriority["P1"]);
    }

    [Fact]
    public void Open_items_are_bucketed_by_age()
    {
        FollowUpRow[] rows = [Row("Bob", "P1", "open", null, createdDaysAgo: 3), Row("Bob", "P1", "open", null, createdDaysAgo: 40), Row("Bob", "P1", "done", null, createdDaysAgo: 40)];

        var ages = FollowUpFigures.Compute(rows, Now).OpenByAgeDays;

        Assert.Equal(1, ages["0-7"]);
        Assert.Equal(0, ages["8-28"]);
        Assert.Equal(1, ages["29-90"]);
    }

    [Fact]
    public void Week_four_completion_counts_items_done_within_28_days_of_publication()
    {
        var published = Now.AddDays(-60);
        FollowUpRow[] rows =
        [
            Row("Bob", "P1", "done", null, publishedAt: published, doneAt: published.AddDays(10)),
            Row("Bob", "P1", "done", null, publishedAt: published, doneAt: published.AddDays(40)),
            Row("Bob", "P1", "open", null, publishedAt: published),
            Row("Bob", "P1", "open", null, publishedAt: Now.AddDays(-5)),
        ];

        Assert.Equal(1.0 / 3, FollowUpFigures.Compute(rows, Now).CompletionRateAtWeek4);
    }

    [Fact]
    public void Week_four_completion_is_unknown_before_any_postmortem_is_four_weeks_old() =>
        Assert.Null(FollowUpFigures.Compute([Row("Bob", "P1", "open", null, publishedAt: Now.AddDays(-5))], Now).CompletionRateAtWeek4);

    private static FollowUpRow Row(string owner, string priority, string status, string? due, string? team = null, int createdDaysAgo = 1, DateTimeOffset? publishedAt = null, DateTimeOffset? doneAt = null) => new(
        owner,
        priority,
        status,
        due,
        team is null ? "{}" : $$"""{"team":"{{team}}"}""",
        Now.AddDays(-createdDaysAgo).ToUnixTimeMilliseconds(),
        doneAt?.ToUnixTimeMilliseconds(),
        (publishedAt ?? Now.AddDays(-1)).ToUnixTimeMilliseconds());
}
