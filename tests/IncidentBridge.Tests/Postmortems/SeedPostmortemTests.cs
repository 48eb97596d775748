using IncidentBridge.Postmortems;
using IncidentBridge.Postmortems.Markdown;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>The postmortems teams already write (copies in Postmortems/Seeds/) import with every action item and field.</summary>
public sealed class SeedPostmortemTests
{
    private const string Template = "postmortem-template.md";
    private const string Chapter = "incident-management-and-postmortems.md";
    private const string Module = "incident-management-module.md";
    private const string DataModelLesson = "postmortem-data-model-lesson.md";

    [Fact]
    public void Template_in_the_seeds_reads_eighteen_action_items()
    {
        var postmortem = Import(Seeds.Read(Template));

        Assert.Equal(18, postmortem.ActionItems.Count);

        // Its "#" column numbers the rows 1 to 18: row numbers, not ids (inserting a row renumbers them).
        Assert.All(postmortem.ActionItems, item => Assert.Null(item.Id));
    }

    [Theory]
    [InlineData(0, "Fix connection leak in error handler", "Engineering Lead", "P0", "2024-01-16", ActionItemStatus.Done)]
    [InlineData(4, "Add integration tests for payment error scenarios", "QA Engineer", "P1", "2024-01-22", ActionItemStatus.InProgress)]
    public void Template_done_and_in_progress_items_are_read_with_every_field(int index, string description, string owner, string priority, string dueDate, string status)
    {
        var item = Import(Seeds.Read(Template)).ActionItems[index];

        Assert.Equal(
            new ActionItem
            {
                Description = description, Owner = owner, Priority = priority, DueDate = DateOnly.Parse(dueDate, CultureInfo.InvariantCulture), Status = status,
            },
            item);
    }

    [Fact]
    public void Template_pending_items_are_open_and_priorities_follow_the_words()
    {
        var items = Import(Seeds.Read(Template)).ActionItems;

        Assert.Equal(
            ["P0", "P0", "P0", "P0", "P1", "P1", "P1", "P1", "P2", "P1", "P1", "P2", "P2", "P2", "P2", "P2", "P3", "P3"],
            items.Select(item => item.Priority));
        Assert.All(items.Skip(6), item => Assert.Equal(ActionItemStatus.Open, item.Status));
    }

    [Fact]
    public void Template_placeholder_date_is_not_replaced_by_the_meeting_date()
    {
        var postmortem = Import(Seeds.Read(Template));

        // The summary table says "YYYY-MM-DD"; "**Date:** 2024-01-16" under "Postmortem Meeting Details" comes later.
        Assert.Equal("YYYY-MM-DD", postmortem.Document.Date);
        Assert.Null(postmortem.Date);
    }

    [Fact]
    public void Template_metadata_placeholders_read_as_no_severity_and_published()
    {
        var postmortem = Import(Seeds.Read(Template));

        Assert.Equal("Incident Postmortem Template", postmortem.Title);
        Assert.Equal("INC-2024-001", postmortem.Document.IncidentId);
        Assert.Equal("Critical / High / Medium / Low", postmortem.Document.Severity);
        Assert.Null(postmortem.Severity);
        Assert.Equal(PostmortemStatus.Published, postmortem.Status);
    }

    [Fact]
    public void Template_reads_summary_root_cause_factors_lessons_and_timeline()
    {
        var postmortem = Import(Seeds.Read(Template));

        Assert.StartsWith("On January 15, 2024, our payment processing system", postmortem.Summary);
        Assert.StartsWith("Connection leak introduced in v2.5.0", postmortem.RootCause);
        Assert.Equal(5, postmortem.Document.ContributingFactors?.Count);
        Assert.Equal("Insufficient Testing: Integration tests did not simulate payment gateway error scenarios", postmortem.Document.ContributingFactors?[0]);
        Assert.Equal(11, postmortem.Document.WhatWentWell?.Count);
        Assert.Equal(11, postmortem.Document.WhatWentPoorly?.Count);
        Assert.Equal(22, postmortem.Document.Timeline?.Count);
        Assert.Equal(new PostmortemTimelineEntry("14:40", "Incident Commander assigned", "IC: Engineer B"), postmortem.Document.Timeline?[6]);
    }

    [Fact]
    public void Template_items_say_which_table_and_row_they_came_from()
    {
        var document = Read(Seeds.Read(Template));

        // Six tables (summary, metrics, four timeline phases) come before the first action-item table.
        Assert.Equal("table 7 \"Immediate Actions (Within 24 Hours)\", row 1", document.ActionItems?[0].Location);
        Assert.Equal("table 8 \"Short-Term Actions (Within 1 Week)\", row 2", document.ActionItems?[5].Location);
    }

    [Fact]
    public void Chapter_example_reads_six_items_with_priorities_and_statuses_and_its_row_numbers_as_no_ids()
    {
        var items = Import(Seeds.PostmortemExample(Chapter)).ActionItems;

        Assert.Equal(6, items.Count);
        Assert.All(items, item => Assert.Null(item.Id));
        Assert.Equal(["P1", "P2", "P2", "P3", "P3", "P1"], items.Select(item => item.Priority));
        Assert.Equal(
            [ActionItemStatus.Done, ActionItemStatus.Done, ActionItemStatus.InProgress, ActionItemStatus.Open, ActionItemStatus.Open, ActionItemStatus.Done],
            items.Select(item => item.Status));
        Assert.Equal(["Bob", "Carol", "Bob", "Dave", "Eve", "Carol"], items.Select(item => item.Owner));
    }

    [Fact]
    public void Chapter_example_due_dates_take_the_postmortem_year()
    {
        var items = Import(Seeds.PostmortemExample(Chapter)).ActionItems;

        Assert.Equal(
            [new(2024, 1, 16), new(2024, 1, 22), new(2024, 1, 29), new(2024, 2, 15), new(2024, 2, 28), new DateOnly(2024, 1, 18)],
            items.Select(item => item.DueDate));
    }

    [Fact]
    public void Chapter_example_metadata_comes_from_its_list()
    {
        var postmortem = Import(Seeds.PostmortemExample(Chapter));

        Assert.Equal(new DateOnly(2024, 1, 15), postmortem.Date);
        Assert.Equal("SEV2", postmortem.Severity);
        Assert.Equal("Complete", postmortem.Document.Status);
        Assert.Equal(PostmortemStatus.Published, postmortem.Status);
        Assert.StartsWith("On January 15, the API experienced elevated error rates (15% of requests returning 500)", postmortem.Summary);
        Assert.Equal(4, postmortem.Document.ContributingFactors?.Count);
        Assert.Equal(["Fast detection (5 min), clear incident process"], postmortem.Document.WhatWentWell ?? []);
        Assert.Equal(["Traffic spike happened during business hours"], postmortem.Document.LuckyBreaks ?? []);
        Assert.Equal(12, postmortem.Document.Timeline?.Count);
    }

    [Theory]
    [InlineData(Chapter)]
    [InlineData(Module)]
    public void Examples_titled_with_the_placeholder_read_without_a_title(string seed)
    {
        var document = Read(Seeds.PostmortemExample(seed));

        Assert.Null(document.Title);
        Assert.Equal("title", PostmortemNormalizer.Normalize(document, 2024, Documents.PostedOn).Error?.Field);
    }

    [Fact]
    public void Module_example_reads_four_items_owned_by_handles_without_due_dates()
    {
        var items = Import(Seeds.PostmortemExample(Module)).ActionItems;

        Assert.Equal(["@alice", "@bob", "@carol", "@tech-lead"], items.Select(item => item.Owner));
        Assert.Equal(["P1", "P1", "P2", "P2"], items.Select(item => item.Priority));
        Assert.Equal(
            [ActionItemStatus.Open, ActionItemStatus.Open, ActionItemStatus.Open, ActionItemStatus.Done],
            items.Select(item => item.Status));
        Assert.All(items, item => Assert.Null(item.DueDate));
        Assert.All(items, item => Assert.Null(item.Id));
    }

    [Fact]
    public void Module_example_metadata_comes_from_its_summary_paragraph()
    {
        var postmortem = Import(Seeds.PostmortemExample(Module));

        Assert.Equal(new DateOnly(2024, 1, 15), postmortem.Date);
        Assert.Equal("SEV1", postmortem.Severity);
        Assert.Equal(PostmortemStatus.Published, postmortem.Status);
        Assert.Null(postmortem.Summary);
        Assert.Equal(3, postmortem.Document.WhatWentPoorly?.Count);
    }

    [Fact]
    public void Data_model_lesson_example_normalises_from_json()
    {
        // The lesson's TypeScript checkoutOutage object, as JSON.stringify would send it.
        var document = JsonSerializer.Deserialize<PostmortemDocument>(Seeds.TypeScriptObject(DataModelLesson, "checkoutOutage"), JsonSerializerOptions.Web);
        Assert.NotNull(document);

        var result = PostmortemNormalizer.Normalize(document, 2030, Documents.PostedOn);

        Assert.True(result.Ok, result.Error?.ToString());
        var postmortem = result.Postmortem;
        Assert.Equal(new DateOnly(2024, 3, 15), postmortem.Date);
        Assert.Equal("SEV1", postmortem.Severity);
        Assert.Equal(PostmortemStatus.Published, postmortem.Status);
        Assert.Equal(["P0", "P0", "P1", "P1"], postmortem.ActionItems.Select(item => item.Priority));
        Assert.Equal(["prevent", "mitigate", "prevent", "detect"], postmortem.ActionItems.Select(item => item.Type));
        Assert.Equal(
            [ActionItemStatus.InProgress, ActionItemStatus.Done, ActionItemStatus.Open, ActionItemStatus.Open],
            postmortem.ActionItems.Select(item => item.Status));
        Assert.Equal(
            [new(2024, 3, 22), new(2024, 3, 18), new(2024, 4, 1), new DateOnly(2024, 4, 1)],
            postmortem.ActionItems.Select(item => item.DueDate));
        Assert.Equal(["Dave", "SRE team", "Dave", "SRE team"], postmortem.ActionItems.Select(item => item.Owner));

        // Its jiraTicket is the issue each item already has: adopted, not created again.
        Assert.Equal(["PLAT-1234", "PLAT-1235", "PLAT-1236", "PLAT-1237"], postmortem.ActionItems.Select(item => item.TrackerKey));
    }

    private static PostmortemDocument Read(string markdown)
    {
        var result = MarkdownPostmortemReader.Read(markdown);
        Assert.True(result.Ok, result.Error?.ToString());
        return result.Document;
    }

    /// <summary>
    /// Reads and normalises a seed. The lesson examples are titled "[Title]", which reads as no title; intake
    /// supplies the incident's title then, and so does this.
    /// </summary>
    private static Postmortem Import(string markdown)
    {
        var document = Read(markdown);
        var result = PostmortemNormalizer.Normalize(document with { Title = document.Title ?? "Checkout errors" }, 2030, Documents.PostedOn);
        Assert.True(result.Ok, result.Error?.ToString());
        return result.Postmortem;
    }
}
