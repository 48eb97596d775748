using IncidentBridge.Postmortems;
using IncidentBridge.Postmortems.Markdown;

namespace IncidentBridge.Tests.Postmortems.Markdown;

public sealed class MarkdownPostmortemReaderTests
{
    private const string ActionItems = """
        ## Action Items

        | # | Action | Owner | Priority | Due Date | Status |
        |---|--------|-------|----------|----------|--------|
        | 1 | Fix the leak | Bob | P1 | 2024-01-16 | Done |
        """;

    [Theory]
    [InlineData("# Incident Postmortem: Checkout outage", "Checkout outage")]
    [InlineData("# Postmortem: Checkout outage", "Checkout outage")]
    [InlineData("# Post-mortem:  Checkout outage ", "Checkout outage")]
    [InlineData("# Checkout outage", "Checkout outage")]
    [InlineData("# Incident Postmortem Template", "Incident Postmortem Template")]
    [InlineData("# **Checkout** outage", "Checkout outage")]
    public void Title_is_the_first_top_heading_without_its_postmortem_prefix(string heading, string title)
    {
        var document = Read($"{heading}\n\n## Summary\n\nText.\n\n# Another top heading\n");

        Assert.Equal(title, document.Title);
    }

    [Theory]
    [InlineData("# Incident Postmortem: [Title]")]
    [InlineData("# [Title]")]
    public void Placeholder_title_reads_as_none(string heading)
    {
        var document = Read($"{heading}\n\n{ActionItems}");

        Assert.Null(document.Title);
    }

    [Theory]
    [InlineData("- **Date**: 2024-01-15\n- **Severity**: SEV2\n- **Status**: Draft\n- **Incident ID**: INC-7")]
    [InlineData("- **Date:** 2024-01-15\n- **Severity:** SEV2\n- **Status:** Draft\n- **Incident ID:** INC-7")]
    [InlineData("**Date**: 2024-01-15\n**Duration**: 2 hours\n**Severity**: SEV2\n**Status**: Draft\n**Incident ID**: INC-7")]
    [InlineData("**Date:** 2024-01-15  \n**Severity:** SEV2  \n**Status:** Draft  \n**Incident ID:** INC-7")]
    [InlineData("| Field | Details |\n|---|---|\n| **Incident ID** | INC-7 |\n| **Date** | 2024-01-15 |\n| **Severity** | SEV2 |\n| **Status** | Draft |")]
    public void Metadata_reads_from_lists_paragraphs_and_the_summary_table(string metadata)
    {
        var document = Read($"# Checkout outage\n\n## Metadata\n\n{metadata}\n");

        Assert.Equal(("2024-01-15", "SEV2", "Draft", "INC-7"), (document.Date, document.Severity, document.Status, document.IncidentId));
    }

    [Fact]
    public void First_metadata_value_wins_even_when_it_is_a_placeholder()
    {
        var document = Read("""
            # Checkout outage

            | Field | Details |
            |---|---|
            | **Date** | YYYY-MM-DD |

            ## Postmortem Meeting Details

            **Date:** 2024-01-16
            **Attendees:**
            """);

        Assert.Equal("YYYY-MM-DD", document.Date);
    }

    [Fact]
    public void Action_item_columns_are_found_in_any_order_and_bold()
    {
        var document = Read("""
            | **Status** | **Owner** | **Due** | **Description** | **Type** | **ID** | **Priority** |
            |---|---|---|---|---|---|---|
            | ✅ Done | @alice | Jan 16 | Fix the leak | prevent | AI-3 | High |
            """);

        var item = Assert.Single(document.ActionItems ?? []);
        Assert.Equal(
            (Id: "AI-3", Description: "Fix the leak", Type: "prevent", Owner: "@alice", Priority: "High", DueDate: "Jan 16", Status: "✅ Done"),
            (item.Id, item.Description, item.Type, item.Owner, item.Priority, item.DueDate, item.Status));
    }

    [Fact]
    public void Cells_read_as_plain_text_with_their_emoji()
    {
        var document = Read("""
            | Action | Owner | Status |
            |---|---|---|
            | Raise `max_connections` in **prod** | *Carol* | 🔄 In Progress |
            """);

        var item = Assert.Single(document.ActionItems ?? []);
        Assert.Equal(("Raise max_connections in prod", "Carol", "🔄 In Progress"), (item.Description, item.Owner, item.Status));
    }

    [Fact]
    public void A_table_with_an_action_column_but_no_owner_is_not_an_action_item_table()
    {
        var result = MarkdownPostmortemReader.Read("""
            | Time  | Event              | Action Taken       | Actor      |
            |-------|--------------------|--------------------|------------|
            | 14:30 | First alert fired  | Acknowledged alert | Engineer A |
            """);

        Assert.False(result.Ok);
        Assert.Equal("$", result.Error.Field);
    }

    [Fact]
    public void Timeline_tables_read_time_event_and_actor()
    {
        var document = Read("""
            # Checkout outage

            | Time  | Event              | Action Taken       | Actor      |
            |-------|--------------------|--------------------|------------|
            | 14:30 | First alert fired  | Acknowledged alert | Engineer A |

            | Time  | Event |
            |-------|-------|
            | 15:00 | Incident resolved |
            """);

        Assert.Equal(
            [new("14:30", "First alert fired", "Engineer A"), new PostmortemTimelineEntry("15:00", "Incident resolved", null)],
            document.Timeline ?? []);
    }

    [Fact]
    public void Every_action_item_table_is_read_and_located_by_number_and_heading()
    {
        var document = Read("""
            # Checkout outage

            | Field | Details |
            |---|---|
            | **Date** | 2024-01-15 |

            ### Immediate Actions

            | # | Action | Owner |
            |---|---|---|
            | 1 | Fix the leak | Bob |

            ### Short-Term Actions (Within 1 Week)

            | # | Action | Owner |
            |---|---|---|
            | 2 | Add pool alerts | Carol |
            | 3 | Add a load test | Eve |
            """);

        Assert.Equal(
            [
                "table 2 \"Immediate Actions\", row 1",
                "table 3 \"Short-Term Actions (Within 1 Week)\", row 1",
                "table 3 \"Short-Term Actions (Within 1 Week)\", row 2",
            ],
            (document.ActionItems ?? []).Select(item => item.Location));
        Assert.All(document.ActionItems ?? [], item => Assert.Null(item.Id));
    }

    [Fact]
    public void Empty_rows_are_skipped_but_keep_their_row_number()
    {
        var document = Read("""
            # Checkout outage

            | Action | Owner |
            |---|---|
            | Fix the leak | Bob |
            |  |  |
            | Add pool alerts | Carol |
            """);

        Assert.Equal(
            ["table 1 \"Checkout outage\", row 1", "table 1 \"Checkout outage\", row 3"],
            (document.ActionItems ?? []).Select(item => item.Location));
    }

    [Fact]
    public void Cells_a_short_row_lacks_read_as_missing()
    {
        var document = Read("""
            | Action | Owner | Priority | Status |
            |---|---|---|---|
            | Fix the leak | Bob |
            """);

        var item = Assert.Single(document.ActionItems ?? []);
        Assert.Equal((null, null, null), (item.Priority, item.Status, item.Id));
    }

    [Fact]
    public void A_table_inside_a_fenced_code_block_is_code_not_action_items()
    {
        var document = Read("""
            # Checkout outage

            ```markdown
            | Action | Owner |
            |---|---|
            | Fix the leak | Bob |
            ```
            """);

        Assert.Empty(document.ActionItems ?? []);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Just some notes about the outage.\n\n- one\n- two\n")]
    [InlineData("## Action Items\n\n| Action | Notes |\n|---|---|\n| Fix the leak | soon |\n")]
    public void Markdown_without_a_title_or_an_action_item_table_is_not_a_postmortem(string markdown)
    {
        var result = MarkdownPostmortemReader.Read(markdown);

        Assert.False(result.Ok);
        Assert.Equal("$", result.Error.Field);
        Assert.Contains("Owner column", result.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_action_item_table_without_a_title_is_a_postmortem()
    {
        var result = MarkdownPostmortemReader.Read(ActionItems);

        Assert.True(result.Ok);
        Assert.Single(result.Document.ActionItems ?? []);
    }

    [Fact]
    public void Sections_read_prose_and_lists_by_heading_and_bold_label()
    {
        var document = Read("""
            # Checkout outage

            ## Executive Summary
            The API returned errors
            for 55 minutes.

            Second paragraph.

            ## Root Cause Analysis

            ### Root Cause

            **Primary Cause:** A connection leak.

            **Contributing Factors:**

            1. **Insufficient Testing:** no error-path tests
            2. No pool alerts

            ## What Went Well

            ### Successes

            - ✅ **Fast Detection:** two minutes

            ## Lessons Learned
            - **What could improve**: load testing
            - **Where we got lucky**: business hours
            - Unrelated lesson
            """);

        Assert.Equal("The API returned errors for 55 minutes.\n\nSecond paragraph.", document.Summary);
        Assert.Equal("A connection leak.", document.RootCause);
        Assert.Equal(["Insufficient Testing: no error-path tests", "No pool alerts"], document.ContributingFactors ?? []);
        Assert.Equal(["✅ Fast Detection: two minutes"], document.WhatWentWell ?? []);
        Assert.Equal(["load testing"], document.WhatWentPoorly ?? []);
        Assert.Equal(["business hours"], document.LuckyBreaks ?? []);
    }

    [Fact]
    public void Placeholders_and_labels_are_not_summary_text()
    {
        var document = Read("""
            # Checkout outage

            ## Incident Summary

            | Field | Details |
            |---|---|
            | **Date** | 2024-01-15 |

            ### Quick Summary

            [2-3 sentence overview of what happened]

            **Example:**
            On January 15 the checkout failed.
            """);

        Assert.Equal("On January 15 the checkout failed.", document.Summary);
    }

    [Theory]
    [InlineData("1", null)]
    [InlineData("#12", null)]
    [InlineData("3.", null)]
    [InlineData("AI-1", "AI-1")]
    [InlineData("PM-3-a", "PM-3-a")]
    public void Id_cell_is_an_id_unless_it_is_a_plain_row_number(string cell, string? id)
    {
        var document = Read($"""
            | ID | Action | Owner |
            |---|---|---|
            | {cell} | Fix the leak | Bob |
            """);

        Assert.Equal(id, Assert.Single(document.ActionItems ?? []).Id);
    }

    [Theory]
    [InlineData("Ticket")]
    [InlineData("Jira")]
    [InlineData("Tracking")]
    [InlineData("Issue")]
    [InlineData("**GitHub Issue**")]
    [InlineData("Jira Ticket")]
    public void Ticket_column_names_the_items_existing_issue(string header)
    {
        var document = Read($"""
            | # | Action | Owner | {header} |
            |---|---|---|---|
            | 1 | Fix the leak | Bob | PAY-123 |
            | 2 | Add pool alerts | Carol | [acme/payments#7](https://github.com/acme/payments/issues/7) |
            | 3 | Add a load test | Eve | |
            """);

        Assert.Equal(["PAY-123", "acme/payments#7", null], (document.ActionItems ?? []).Select(item => item.TrackerKey));
    }

    [Fact]
    public void Bracketed_ticket_is_its_key_or_the_templates_filler()
    {
        var document = Read("""
            | Action | Owner | Ticket |
            |---|---|---|
            | Fix the leak | Bob | [PAY-123] |
            | Add pool alerts | Carol | [JIRA-link] |
            """);

        Assert.Equal(["PAY-123", null], (document.ActionItems ?? []).Select(item => item.TrackerKey));
    }

    [Fact]
    public void Columns_another_field_took_are_not_the_ticket()
    {
        var document = Read("""
            | Issue Description | Owner | Jira Status |
            |---|---|---|
            | Fix the leak | Bob | Done |
            """);

        var item = Assert.Single(document.ActionItems ?? []);
        Assert.Equal(("Fix the leak", "Done", null), (item.Description, item.Status, item.TrackerKey));
    }

    private static PostmortemDocument Read(string markdown)
    {
        var result = MarkdownPostmortemReader.Read(markdown);
        Assert.True(result.Ok, result.Error?.ToString());
        return result.Document;
    }
}
