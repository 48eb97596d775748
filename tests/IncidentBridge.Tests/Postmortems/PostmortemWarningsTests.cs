namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// Issue #12, nothing falls through at intake: an odd cell is kept or left empty with a warning in the <c>201</c>, never
/// a reason to refuse the postmortem; list items become action items; a <c>400</c> is kept for what cannot be filed.
/// </summary>
public sealed class PostmortemWarningsTests : IAsyncLifetime
{
    private const string Incident = "INC-2026-0001";

    private readonly IntakeWorker _worker = new();

    public async Task InitializeAsync() => await _worker.IncidentAsync(Incident);

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Type_other_answers_201_keeping_every_item_and_a_warning_naming_the_row()
    {
        var answer = await PostAsync("""
            # Shakespeare search outage

            **Date:** 2015-10-21

            ## Action Items

            | Action Item | Type | Owner | Bug |
            |---|---|---|---|
            | Update playbook with instructions for responding to cascading failure | mitigate | jennifer | n/a DONE |
            | Use flux capacitor to balance load between clusters | prevent | martym | Bug 5554823 TODO |
            | Freeze production until the error budget recovers | other | docbrown | n/a TODO |
            """);

        Assert.Equal(["mitigate", "prevent", "other"], Types(answer));
        Assert.Equal(
            [
                "table 1 \"Action Items\", row 3, Type: type \"other\" is not one we know (prevent, detect, mitigate, process, monitoring, " +
                "or a horizon: immediate, short-term, medium-term, long-term); kept as written.",
            ],
            IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task Monitoring_type_is_detect_and_horizon_words_are_kept_as_the_items_horizon()
    {
        var answer = await PostAsync("""
            # Checkout outage

            | Action | Owner | Type |
            |---|---|---|
            | Alert on pool usage above 80% | Carol | Monitoring |
            | Raise the pool limit | Bob | Immediate |
            | Move sessions off the database | Dave | Long-term |
            """);

        Assert.Equal(["detect", "prevent", "prevent"], Types(answer));
        Assert.Equal([null, "immediate", "long-term"], Horizons(answer));
        Assert.Empty(IntakeWorker.Warnings(answer));

        // The horizon is read back with the postmortem; the warnings belong to the post that had them.
        var postmortem = await _worker.GetAsync("PM-2026-0001");
        Assert.Equal([null, "immediate", "long-term"], Horizons(postmortem));
        Assert.False(postmortem.TryGetProperty("warnings", out _));
    }

    [Fact]
    public async Task Bulleted_action_items_are_filed_and_an_unowned_one_is_filed_as_unassigned_with_a_warning()
    {
        var answer = await PostAsync("""
            # Checkout outage

            **Date:** 2026-12-05

            ## Next steps

            - [ ] Add disk alerts — Owner: @dave, Due: 2026-12-20, P1
            - [x] Roll back the deploy (owner: Bob)
            - Write the pool runbook, due 2 weeks
            """);

        Assert.Equal(
            [
                new("Add disk alerts", "@dave", "2026-12-20", "open", "P1"),
                // No due date: its priority's (P2, 30 days after publication).
                new("Roll back the deploy", "Bob", "2027-01-06", "done", "P2"),
                new("Write the pool runbook", "unassigned", "2026-12-19", "open", "P2"),
            ],
            IntakeWorker.Items(answer));
        Assert.Equal(
            ["list under \"Next steps\", item 3 (line 9): no owner (Owner: …, or an @handle); filed as \"unassigned\"."],
            IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task Spans_in_a_postmortem_without_a_date_keep_their_due_date_when_it_is_posted_again_days_later()
    {
        const string Markdown = """
            # Checkout outage

            ## Action Items

            - Add pool metrics (owner: Carol, due: 1 week)
            """;
        var first = await PostAsync(Markdown);

        _worker.Time.Advance(TimeSpan.FromDays(3));
        var again = await PostAsync(Markdown);

        Assert.Equal("2026-12-14", Assert.Single(IntakeWorker.Items(first)).DueDate);
        Assert.Equal("2026-12-14", Assert.Single(IntakeWorker.Items(again)).DueDate);
        Assert.Contains("counted from 2026-12-07, the day the postmortem was first posted", Assert.Single(IntakeWorker.Warnings(again)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_with_the_same_description_each_linking_its_pull_request_are_three_items()
    {
        var answer = await PostAsync("""
            # Dependency audit

            | Action | Owner | Tracking |
            |---|---|---|
            | Update package versions | Ana | [#101](https://github.com/acme/web/pull/101) |
            | Update package versions | Ana | https://github.com/acme/api/pull/102 |
            | Update package versions | Ana | |
            """);

        Assert.Equal(3, IntakeWorker.Items(answer).Count(item => item.Description == "Update package versions"));
        Assert.Equal(3, answer.GetProperty("actionItems").EnumerateArray().Select(item => item.GetProperty("key").GetString()).Distinct().Count());
        Assert.Equal(
            [
                "table 1 \"Dependency audit\", row 1, Ticket: \"https://github.com/acme/web/pull/101\" is a pull request, not an issue: not adopted; the item gets an issue of its own.",
                "table 1 \"Dependency audit\", row 2, Ticket: \"https://github.com/acme/api/pull/102\" is a pull request, not an issue: not adopted; the item gets an issue of its own.",
            ],
            IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task A_postmortem_without_action_items_answers_201_with_no_warnings()
    {
        var answer = await PostAsync("# Checkout outage\n\n## Summary\n\nNothing to follow up.\n");

        Assert.Empty(IntakeWorker.Items(answer));
        Assert.Equal(JsonValueKind.Array, answer.GetProperty("warnings").ValueKind);
        Assert.Empty(IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task A_table_row_without_its_owner_is_still_400_naming_the_cell()
    {
        var response = await _worker.PostMarkdownAsync(Incident, """
            # Checkout outage

            | Action | Owner |
            |---|---|
            | Fix the leak | Bob |
            | Add pool metrics | |
            """);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "table 1 \"Checkout outage\", row 2, Owner");
    }

    private async Task<JsonElement> PostAsync(string markdown) => await IntakeWorker.CreatedAsync(await _worker.PostMarkdownAsync(Incident, markdown));

    private static List<string?> Types(JsonElement answer) =>
        answer.GetProperty("actionItems").EnumerateArray().Select(item => item.GetProperty("type").GetString()).ToList();

    private static List<string?> Horizons(JsonElement answer) =>
        answer.GetProperty("actionItems").EnumerateArray().Select(item => item.TryGetProperty("horizon", out var horizon) ? horizon.GetString() : null).ToList();
}
