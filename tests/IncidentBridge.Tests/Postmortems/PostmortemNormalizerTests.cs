using IncidentBridge.Postmortems;
using static IncidentBridge.Tests.Postmortems.Documents;

namespace IncidentBridge.Tests.Postmortems;

public sealed class PostmortemNormalizerTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_postmortem_without_a_title_is_refused(string? title)
    {
        var result = Normalize(With() with { Title = title });

        Assert.Equal("title", result.Error?.Field);
    }

    [Theory]
    [InlineData("draft", PostmortemStatus.Draft)]
    [InlineData("WIP", PostmortemStatus.Draft)]
    [InlineData("In Progress", PostmortemStatus.Draft)]
    [InlineData("investigating", PostmortemStatus.Draft)]
    [InlineData("in review", PostmortemStatus.InReview)]
    [InlineData("in-review", PostmortemStatus.InReview)]
    [InlineData("Review", PostmortemStatus.InReview)]
    [InlineData("Under Review", PostmortemStatus.InReview)]
    [InlineData("published", PostmortemStatus.Published)]
    [InlineData("Complete", PostmortemStatus.Published)]
    [InlineData("completed", PostmortemStatus.Published)]
    [InlineData("Final", PostmortemStatus.Published)]
    [InlineData("done", PostmortemStatus.Published)]
    [InlineData("Resolved", PostmortemStatus.Published)]
    [InlineData("Resolved / Investigating / Monitoring", PostmortemStatus.Published)]
    [InlineData(null, PostmortemStatus.Published)]
    public void Postmortem_status_words_map_to_draft_in_review_or_published(string? status, string expected)
    {
        var postmortem = Normalize(With() with { Status = status }).Postmortem;

        Assert.Equal(expected, postmortem?.Status);
    }

    [Theory]
    [InlineData("SEV1", "SEV1")]
    [InlineData("SEV-1", "SEV1")]
    [InlineData("sev 2", "SEV2")]
    [InlineData("1", "SEV1")]
    [InlineData("Critical", "SEV1")]
    [InlineData("high", "SEV2")]
    [InlineData("Major", "SEV2")]
    [InlineData("SEV3", "SEV3")]
    [InlineData("medium", "SEV3")]
    [InlineData("Moderate", "SEV3")]
    [InlineData("SEV-4", "SEV4")]
    [InlineData("low", "SEV4")]
    [InlineData("minor", "SEV4")]
    [InlineData("Critical / High / Medium / Low", null)]
    [InlineData("SEV5", null)]
    [InlineData(null, null)]
    public void Severity_words_map_to_sev_names_or_none(string? severity, string? expected)
    {
        var postmortem = Normalize(With() with { Severity = severity }).Postmortem;

        Assert.Equal(expected, postmortem?.Severity);
    }

    [Theory]
    [InlineData("2024-01-15", "2024-01-15")]
    [InlineData("2024-03-15T00:00:00.000Z", "2024-03-15")]
    [InlineData("2024-03-15T23:30:00-05:00", "2024-03-15")]
    [InlineData("January 15, 2024", "2024-01-15")]
    [InlineData("YYYY-MM-DD", null)]
    [InlineData("Jan 15", null)]
    [InlineData("2024-02-30", null)]
    [InlineData(null, null)]
    public void Postmortem_date_reads_iso_dates_and_leaves_placeholders_empty(string? date, string? expected)
    {
        var postmortem = Normalize(With() with { Date = date }).Postmortem;

        Assert.Equal(expected, postmortem?.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("done", ActionItemStatus.Done)]
    [InlineData("Done", ActionItemStatus.Done)]
    [InlineData("✅ Done", ActionItemStatus.Done)]
    [InlineData("Complete", ActionItemStatus.Done)]
    [InlineData("completed", ActionItemStatus.Done)]
    [InlineData("Closed", ActionItemStatus.Done)]
    [InlineData("fixed", ActionItemStatus.Done)]
    [InlineData("Resolved", ActionItemStatus.Done)]
    [InlineData("✔", ActionItemStatus.Done)]
    [InlineData("✅", ActionItemStatus.Done)]
    [InlineData("[x]", ActionItemStatus.Done)]
    [InlineData("[X] done", ActionItemStatus.Done)]
    [InlineData("in progress", ActionItemStatus.InProgress)]
    [InlineData("In-Progress", ActionItemStatus.InProgress)]
    [InlineData("🔄 In Progress", ActionItemStatus.InProgress)]
    [InlineData("🔄", ActionItemStatus.InProgress)]
    [InlineData("doing", ActionItemStatus.InProgress)]
    [InlineData("Started", ActionItemStatus.InProgress)]
    [InlineData("ongoing", ActionItemStatus.InProgress)]
    [InlineData("open", ActionItemStatus.Open)]
    [InlineData("TODO", ActionItemStatus.Open)]
    [InlineData("To Do", ActionItemStatus.Open)]
    [InlineData("pending", ActionItemStatus.Open)]
    [InlineData("⏳ Pending", ActionItemStatus.Open)]
    [InlineData("Not Started", ActionItemStatus.Open)]
    [InlineData("new", ActionItemStatus.Open)]
    [InlineData("Blocked", ActionItemStatus.Open)]
    [InlineData("Planned", ActionItemStatus.Open)]
    [InlineData("[ ]", ActionItemStatus.Open)]
    [InlineData("-", ActionItemStatus.Open)]
    [InlineData("", ActionItemStatus.Open)]
    [InlineData(null, ActionItemStatus.Open)]
    public void Action_item_status_words_and_marks_map_to_open_in_progress_or_done(string? status, string expected)
    {
        var item = NormalizeOne(Item(status: status));

        Assert.Equal(expected, item.Status);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("won't do")]
    [InlineData("❌")]
    public void Unknown_action_item_status_reads_as_open_with_a_warning_naming_the_field(string status)
    {
        var result = Normalize(With(Item(), Item(description: "Add pool alerts", status: status)));

        Assert.Equal(ActionItemStatus.Open, result.Postmortem?.ActionItems[1].Status);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("actionItems[1].status: ", warning, StringComparison.Ordinal);
        Assert.Contains($"\"{status}\"", warning, StringComparison.Ordinal);
        Assert.EndsWith("the item is open.", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P0", "P0")]
    [InlineData("p1", "P1")]
    [InlineData("P 2", "P2")]
    [InlineData("P3", "P3")]
    [InlineData("Critical", "P0")]
    [InlineData("high", "P1")]
    [InlineData("Medium", "P2")]
    [InlineData("LOW", "P3")]
    [InlineData("P1 - High", "P1")]
    [InlineData("High Priority", "P1")]
    [InlineData(null, "P2")]
    [InlineData(" ", "P2")]
    [InlineData("-", "P2")]
    [InlineData("TBD", "P2")]
    public void Priority_reads_p_levels_and_words_defaulting_to_P2(string? priority, string expected)
    {
        var item = NormalizeOne(Item(priority: priority));

        Assert.Equal(expected, item.Priority);
    }

    [Theory]
    [InlineData("P4")]
    [InlineData("urgent")]
    public void Unknown_priority_is_left_to_P2_with_a_warning_naming_the_field(string priority)
    {
        var result = Normalize(With(Item(), Item(description: "Add pool alerts"), Item(description: "Add a load test", priority: priority)));

        Assert.Equal("P2", result.Postmortem?.ActionItems[2].Priority);
        Assert.Equal(
            $"actionItems[2].priority: priority \"{priority}\" is not one we know (P0, P1, P2, P3, Critical, High, Medium, Low); the item takes P2.",
            Assert.Single(result.Warnings));
    }

    [Theory]
    [InlineData("2024-01-16", "2024-01-16")]
    [InlineData("2024-03-22T00:00:00.000Z", "2024-03-22")]
    [InlineData("Jan 16", "2024-01-16")]
    [InlineData("January 16", "2024-01-16")]
    [InlineData("16 Jan", "2024-01-16")]
    [InlineData("Sept 3", "2024-09-03")]
    [InlineData("Feb 29", "2024-02-29")]
    [InlineData("Jan 16, 2025", "2025-01-16")]
    [InlineData("16 January 2025", "2025-01-16")]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("TBD", null)]
    [InlineData("tbd", null)]
    [InlineData("-", null)]
    public void Due_dates_read_iso_and_month_day_forms_in_the_postmortem_year(string? dueDate, string? expected)
    {
        var item = NormalizeOne(Item(dueDate: dueDate));

        Assert.Equal(expected, item.DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("3 days", "2024-01-18")]
    [InlineData("1 day", "2024-01-16")]
    [InlineData("1 week", "2024-01-22")]
    [InlineData("2 weeks", "2024-01-29")]
    [InlineData("1 month", "2024-02-15")]
    [InlineData("in 2 weeks", "2024-01-29")]
    [InlineData("Within 1 Week", "2024-01-22")]
    [InlineData("a week", "2024-01-22")]
    [InlineData("two weeks", "2024-01-29")]
    public void Due_dates_written_as_spans_count_from_the_postmortem_date_without_a_warning(string dueDate, string expected)
    {
        var result = Normalize(With(Item(dueDate: dueDate)));

        Assert.Equal(expected, result.Postmortem?.ActionItems[0].DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Spans_in_a_postmortem_without_a_date_count_from_its_first_post_and_one_warning_says_so()
    {
        var result = Normalize(With(Item(dueDate: "1 week"), Item(description: "Add pool alerts", dueDate: "3 days")) with { Date = "YYYY-MM-DD" });

        Assert.Equal([PostedOn.AddDays(7), PostedOn.AddDays(3)], result.Postmortem?.ActionItems.Select(item => item.DueDate) ?? []);
        Assert.Equal(
            "actionItems[0].dueDate: due date \"1 week\", and every due date written as a span, is counted from 2030-06-03, the day the " +
            "postmortem was first posted, because the postmortem has no date of its own; give it a date to count from that.",
            Assert.Single(result.Warnings));
    }

    [Fact]
    public void Spans_in_a_postmortem_without_a_date_count_from_its_publication()
    {
        var result = Normalize(With(Item(dueDate: "2 weeks")) with { Date = null, PublishedAt = new DateTimeOffset(2024, 1, 20, 23, 0, 0, TimeSpan.FromHours(-5)) });

        Assert.Equal(new DateOnly(2024, 2, 4), result.Postmortem?.ActionItems[0].DueDate);
        Assert.Contains("counted from 2024-01-21, its publishedAt,", Assert.Single(result.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Due_dates_without_a_year_take_the_default_year_when_the_postmortem_has_no_date()
    {
        var result = Normalize(With(Item(dueDate: "Jan 16")) with { Date = "YYYY-MM-DD" });

        Assert.Equal(new DateOnly(DefaultYear, 1, 16), result.Postmortem?.ActionItems[0].DueDate);
    }

    [Theory]
    [InlineData("next week")]
    [InlineData("2024-13-01")]
    [InlineData("Feb 30")]
    [InlineData("16/01/2024")]
    [InlineData("Smarch 3")]
    [InlineData("0 days")]
    public void Unreadable_due_date_is_left_empty_with_a_warning_naming_the_field(string dueDate)
    {
        var result = Normalize(With(Item(dueDate: dueDate)));

        Assert.Null(result.Postmortem?.ActionItems[0].DueDate);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith($"actionItems[0].dueDate: due date \"{dueDate}\" is not a date", warning, StringComparison.Ordinal);
        Assert.EndsWith("left empty.", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prevent", "prevent")]
    [InlineData("Detect", "detect")]
    [InlineData("MITIGATE", "mitigate")]
    [InlineData("process", "process")]
    [InlineData("Prevention", "prevent")]
    [InlineData("detection", "detect")]
    [InlineData("mitigation", "mitigate")]
    [InlineData("Monitoring", "detect")]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("-", null)]
    public void Type_reads_the_four_kinds_their_nouns_and_monitoring(string? type, string? expected)
    {
        var item = NormalizeOne(Item(type: type));

        Assert.Equal((expected, (string?)null), (item.Type, item.Horizon));
    }

    [Theory]
    [InlineData("immediate", "immediate")]
    [InlineData("Short-term", "short-term")]
    [InlineData("short term", "short-term")]
    [InlineData("Medium-Term", "medium-term")]
    [InlineData("long-term", "long-term")]
    public void Horizon_words_are_kept_as_the_horizon_of_an_item_that_prevents(string type, string horizon)
    {
        var result = Normalize(With(Item(type: type)));

        var item = Assert.Single(result.Postmortem?.ActionItems ?? []);
        Assert.Equal(("prevent", horizon), (item.Type, item.Horizon));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("other")]
    [InlineData("repair")]
    public void Unknown_type_is_kept_as_written_with_a_warning_naming_the_field(string type)
    {
        var result = Normalize(With(Item(), Item(description: "Freeze production until the budget recovers", type: $" {type} ")));

        Assert.Equal(type, result.Postmortem?.ActionItems[1].Type);
        Assert.Equal(
            $"actionItems[1].type: type \"{type}\" is not one we know (prevent, detect, mitigate, process, monitoring, or a horizon: immediate, " +
            "short-term, medium-term, long-term); kept as written.",
            Assert.Single(result.Warnings));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_action_item_without_a_description_is_refused(string? description)
    {
        var error = ErrorFor(Item(description: description));

        Assert.Equal("actionItems[0].description", error.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_action_item_without_an_owner_is_refused(string? owner)
    {
        var error = ErrorFor(Item(owner: owner));

        Assert.Equal("actionItems[0].owner", error.Field);
    }

    [Fact]
    public void A_missing_action_item_in_json_is_refused()
    {
        var document = JsonSerializer.Deserialize<PostmortemDocument>(
            """{ "title": "Checkout outage", "actionItems": [{ "description": "Fix the leak", "owner": "Bob" }, null] }""",
            JsonSerializerOptions.Web);
        Assert.NotNull(document);

        var result = Normalize(document);

        Assert.Equal("actionItems[1]", result.Error?.Field);
    }

    [Theory]
    [InlineData("@alice", "@alice")]
    [InlineData(" SRE Team ", "SRE Team")]
    [InlineData("bob@example.com", "bob@example.com")]
    public void Owner_is_kept_as_written_only_trimmed(string owner, string expected)
    {
        var item = NormalizeOne(Item(owner: owner));

        Assert.Equal(expected, item.Owner);
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData(" AI-3 ", "AI-3")]
    public void Id_is_the_authors_id_trimmed(string id, string expected)
    {
        var item = NormalizeOne(Item(id: id));

        Assert.Equal(expected, item.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Without_an_id_the_item_has_none_and_keeps_its_description(string? id)
    {
        var item = NormalizeOne(Item(description: "  fix THE   connection\tleak ", id: id));

        Assert.Null(item.Id);
        Assert.Equal("fix THE   connection\tleak", item.Description);
    }

    [Fact]
    public void Duplicate_ids_are_refused_naming_the_second_item()
    {
        var error = ErrorFor(Item(id: "1"), Item(description: "Add pool alerts", id: "2"), Item(description: "Add a load test", id: " 1"));

        Assert.Equal("actionItems[2].id", error.Field);
        Assert.Contains("actionItems[0]", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_descriptions_without_ids_are_distinct_items()
    {
        var result = Normalize(With(Item(description: "Fix the leak"), Item(description: "fix  the leak", owner: "Carol"), Item(description: "Fix the leak")));

        Assert.True(result.Ok, result.Error?.ToString());
        Assert.Equal(3, result.Postmortem.ActionItems.Count);
    }

    [Theory]
    [InlineData("PAY-123", "PAY-123")]
    [InlineData(" OPS_2-7 ", "OPS_2-7")]
    [InlineData("acme/payments#42", "acme/payments#42")]
    [InlineData("#42", "#42")]
    [InlineData("42", "#42")]
    [InlineData("https://github.com/acme/payments/issues/42", "acme/payments#42")]
    [InlineData("https://github.example.com/acme/pay.ments/issues/42/", "acme/pay.ments#42")]
    [InlineData("https://acme.atlassian.net/browse/PAY-123", "PAY-123")]
    public void Tracker_key_is_read_in_the_form_the_tracker_is_asked_for(string written, string expected)
    {
        Assert.Equal(expected, NormalizeOne(Item() with { TrackerKey = written }).TrackerKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("TBD")]
    [InlineData("-")]
    [InlineData("n/a")]
    public void Tracker_key_left_empty_or_to_be_decided_is_none(string written)
    {
        Assert.Null(NormalizeOne(Item() with { TrackerKey = written }).TrackerKey);
    }

    [Fact]
    public void Jira_ticket_of_the_data_model_is_a_tracker_key()
    {
        Assert.Equal("PLAT-1234", NormalizeOne(Item() with { JiraTicket = "PLAT-1234" }).TrackerKey);
        Assert.Equal("PAY-1", NormalizeOne(Item() with { JiraTicket = "PLAT-1234", TrackerKey = "PAY-1" }).TrackerKey);
    }

    [Theory]
    [InlineData("pay-123")]
    [InlineData("PAY 123")]
    [InlineData("PAY-123, PAY-124")]
    [InlineData("acme/payments#0")]
    [InlineData("the jira one")]
    public void Malformed_tracker_key_is_refused_naming_the_field(string written)
    {
        var error = ErrorFor(Item(), Item(description: "Add pool alerts") with { TrackerKey = written });

        Assert.Equal("actionItems[1].trackerKey", error.Field);
        Assert.Contains(written.Trim(), error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/acme/payments/pull/42")]
    [InlineData("https://gitlab.example/acme/payments/-/merge_requests/7")]
    public void Pull_request_named_as_the_ticket_is_not_adopted_and_a_warning_says_so(string written)
    {
        var result = Normalize(With(Item() with { TrackerKey = written }));

        Assert.Null(result.Postmortem?.ActionItems[0].TrackerKey);
        Assert.Equal(
            $"actionItems[0].trackerKey: \"{written}\" is a pull request, not an issue: not adopted; the item gets an issue of its own.",
            Assert.Single(result.Warnings));
    }

    [Fact]
    public void Malformed_jira_ticket_is_refused_under_its_own_name()
    {
        var error = ErrorFor(Item() with { JiraTicket = "PLAT 1234" });

        Assert.Equal("actionItems[0].jiraTicket", error.Field);
    }

    [Fact]
    public void Markdown_ticket_is_named_by_table_row_and_column()
    {
        var error = ErrorFor(Item(location: "table 2 \"Action Items\", row 3") with { TrackerKey = "soon" });

        Assert.Equal("table 2 \"Action Items\", row 3, Ticket", error.Field);
    }

    [Fact]
    public void Two_items_naming_one_issue_are_refused()
    {
        var error = ErrorFor(Item() with { TrackerKey = "https://github.com/acme/payments/issues/42" }, Item(description: "Add pool alerts") with { TrackerKey = "acme/payments#42" });

        Assert.Equal("actionItems[1].trackerKey", error.Field);
        Assert.Contains("actionItems[0]", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urgent", null, null, null, "table 2 \"Action Items\", row 3, Priority: ")]
    [InlineData(null, "someday", null, null, "table 2 \"Action Items\", row 3, Due Date: ")]
    [InlineData(null, null, "maybe", null, "table 2 \"Action Items\", row 3, Status: ")]
    [InlineData(null, null, null, "other", "table 2 \"Action Items\", row 3, Type: ")]
    public void Markdown_items_are_named_in_warnings_by_table_row_and_column(string? priority, string? dueDate, string? status, string? type, string place)
    {
        var warning = WarningFor(Item(priority: priority, dueDate: dueDate, status: status, type: type, location: "table 2 \"Action Items\", row 3"));

        Assert.StartsWith(place, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fully_understood_postmortem_has_no_warnings()
    {
        var result = Normalize(With(
            Item(priority: "High", dueDate: "Jan 16", status: "✅ Done", type: "Prevention"),
            Item(description: "Add pool alerts", priority: "P1", dueDate: "1 week", status: "🔄 In Progress", type: "Monitoring") with { TrackerKey = "PAY-12" }));

        Assert.True(result.Ok, result.Error?.ToString());
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Markdown_item_without_an_owner_is_named_by_table_row_and_column()
    {
        var error = ErrorFor(Item(owner: null, location: "table 1 \"Action Items\", row 1"));

        Assert.Equal("table 1 \"Action Items\", row 1, Owner", error.Field);
    }

    [Fact]
    public void Normalised_postmortem_keeps_the_document_and_its_publication_time()
    {
        var publishedAt = new DateTimeOffset(2024, 1, 20, 9, 0, 0, TimeSpan.Zero);
        var document = With(Item()) with { PublishedAt = publishedAt, Summary = "  Checkout failed. ", RootCause = " " };

        var postmortem = Normalize(document).Postmortem;

        Assert.NotNull(postmortem);
        Assert.Same(document, postmortem.Document);
        Assert.Equal(publishedAt, postmortem.PublishedAt);
        Assert.Equal("Checkout failed.", postmortem.Summary);
        Assert.Null(postmortem.RootCause);
        Assert.Equal("Checkout outage", postmortem.Title);
    }
}
