using IncidentBridge.Postmortems;
using IncidentBridge.Postmortems.Markdown;

namespace IncidentBridge.Tests.Postmortems.Markdown;

/// <summary>Action items written as bulleted or task lists under a heading that names them (README, "Postmortems and action items").</summary>
public sealed class ActionItemListTests
{
    [Fact]
    public void Task_list_items_read_description_owner_due_date_and_priority()
    {
        var result = ReadUnderActionItems("""
            - [ ] Add disk alerts — Owner: @dave, Due: 2026-12-20, P1
            * Add canary (owner: SRE Team, due: 1 week)
            - [x] Roll back the deploy — owner: Bob
            """);

        Assert.Equal(
            [
                ("Add disk alerts", "@dave", "2026-12-20", "P1", "open"),
                ("Add canary", "SRE Team", "1 week", null, null),
                ("Roll back the deploy", "Bob", null, null, "done"),
            ],
            Items(result).Select(item => (item.Description, item.Owner, item.DueDate, item.Priority, item.Status)));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("Action Items")]
    [InlineData("7. Action Items")]
    [InlineData("Follow-up actions")]
    [InlineData("Follow-ups")]
    [InlineData("Next steps")]
    [InlineData("Corrective Actions")]
    [InlineData("Immediate Actions (Within 24 Hours)")]
    [InlineData("🔧 Action Items & Follow-ups")]
    public void Headings_that_name_action_items_at_any_level_hold_them(string heading)
    {
        foreach (var level in new[] { "##", "###", "####" })
        {
            var result = Read($"# Checkout outage\n\n{level} {heading}\n\n- Add pool metrics (owner: Carol)\n");

            Assert.Equal("Add pool metrics", Assert.Single(Items(result)).Description);
        }
    }

    [Theory]
    [InlineData("Effective Action Items")]
    [InlineData("Action Item Types")]
    [InlineData("Follow-up Process")]
    [InlineData("Follow-up")]
    [InlineData("Actions Taken")]
    [InlineData("What Went Well")]
    public void Lists_under_other_headings_are_not_action_items(string heading)
    {
        var result = Read($"# Checkout outage\n\n## {heading}\n\n- Owned - Assigned to a person (owner: Carol)\n");

        Assert.Empty(Items(result));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Sub_headings_of_an_action_items_section_keep_it_open_until_a_heading_at_its_level()
    {
        var result = ReadUnderActionItems("""
            ### Database

            - Add an index on orders.user_id (owner: Dave)

            ## Lessons Learned

            - Migrations need load tests
            """);

        Assert.Equal(["Add an index on orders.user_id"], Items(result).Select(item => item.Description));
    }

    [Fact]
    public void A_bold_label_naming_action_items_holds_the_list_after_it_until_the_next_label()
    {
        var result = Read("""
            # Checkout outage

            **Action Items:**

            * Add alarm for payment failure rate > 5% (Owner: SRE, Due: 3 days)
            * Implement connection pooling limits (Owner: Dev, Due: 2 weeks)

            **Lessons Learned:**

            * Alarms on failure rates catch what health checks miss
            """);

        Assert.Equal(
            [("Add alarm for payment failure rate > 5%", "SRE", "3 days"), ("Implement connection pooling limits", "Dev", "2 weeks")],
            Items(result).Select(item => (item.Description, item.Owner, item.DueDate)));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_list_item_labelled_action_items_makes_its_sub_list_action_items()
    {
        var result = Read("""
            # Checkout outage

            **Postmortem Findings:**
            * **Root Cause:** Chaos engineering enabled in production
            * **Action Items:**
              * Add safeguard to prevent chaos in production (Owner: DevOps, Due: 1 week)
              * Update deployment process to verify chaos disabled (Owner: SRE, Due: 1 week)
            * **What Went Well:** Quick detection
            """);

        Assert.Equal(
            [
                ("Add safeguard to prevent chaos in production", "DevOps", "list under \"Action Items\", item 1 (line 6)"),
                ("Update deployment process to verify chaos disabled", "SRE", "list under \"Action Items\", item 2 (line 7)"),
            ],
            Items(result).Select(item => (item.Description, item.Owner, item.Location)));
        Assert.Equal(["Quick detection"], result.Document?.WhatWentWell ?? []);
    }

    [Fact]
    public void A_titled_item_takes_its_fields_and_what_to_do_from_its_sub_list()
    {
        var result = Read("""
            # Checkout outage

            **Action Items:**

            1. **High Priority - Configuration Validation:**
               * Add pre-deployment check for required environment variables
               * Owner: DevOps Team
               * Due: 1 week
               * Status: In Progress

            2. **Medium Priority - Configuration Documentation:**
               * Document all required environment variables
               * Owner: Development Team
               * Due: 1 week
               * Status: Completed
            """);

        Assert.Equal(
            [
                ("Configuration Validation: Add pre-deployment check for required environment variables", "DevOps Team", "1 week", "In Progress", "High Priority"),
                ("Configuration Documentation: Document all required environment variables", "Development Team", "1 week", "Completed", "Medium Priority"),
            ],
            Items(result).Select(item => (item.Description, item.Owner, item.DueDate, item.Status, item.Priority)));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_group_label_over_items_with_their_own_fields_is_not_an_item()
    {
        var result = Read("""
            # Checkout outage

            ## Next steps

            - Monitoring:
              - Add disk alerts (owner: Bob, P1)
              - Add CPU alerts (owner: Carol)
            """);

        Assert.Equal(
            [("Add disk alerts", "Bob", "list under \"Next steps\", item 1.1 (line 6)"), ("Add CPU alerts", "Carol", "list under \"Next steps\", item 1.2 (line 7)")],
            Items(result).Select(item => (item.Description, item.Owner, item.Location)));
    }

    [Fact]
    public void Bare_fields_after_a_dash_or_at_the_end_are_read_as_fields()
    {
        var result = ReadUnderActionItems("""
            - Add disk alerts - @dave, P1, 2026-12-20
            - P0: Rotate the leaked key @erin
            - Add retry with back-off (see the RFC)
            - Write the runbook | Owner: Frank | Type: Monitoring | Ticket: OPS-12
            """);

        Assert.Equal(
            [
                ("Add disk alerts", "@dave", "P1", "2026-12-20", null, null),
                ("Rotate the leaked key", "@erin", "P0", null, null, null),
                ("Add retry with back-off (see the RFC)", "unassigned", null, null, null, null),
                ("Write the runbook", "Frank", null, null, "Monitoring", "OPS-12"),
            ],
            Items(result).Select(item => (item.Description, item.Owner, item.Priority, item.DueDate, item.Type, item.TrackerKey)));
    }

    [Fact]
    public void An_item_without_an_owner_is_filed_as_unassigned_and_a_warning_names_it()
    {
        var result = Read("""
            # Checkout outage

            ## Follow-up actions

            - Add load test to the staging pipeline (due: 2 weeks)
            """);

        Assert.Equal("unassigned", Assert.Single(Items(result)).Owner);
        Assert.Equal(
            ["list under \"Follow-up actions\", item 1 (line 5): no owner (Owner: …, or an @handle); filed as \"unassigned\"."],
            result.Warnings);
    }

    [Fact]
    public void Parts_of_the_fields_that_are_no_field_are_named_in_a_warning()
    {
        var result = ReadUnderActionItems("""
            - Add disk alerts — Owner: @dave, Due: 2026-12-20, blocked on infra
            """);

        Assert.Equal(("Add disk alerts", "@dave", "2026-12-20"), Items(result).Select(item => (item.Description, item.Owner, item.DueDate)).Single());
        Assert.Equal(
            ["list under \"Action Items\", item 1 (line 5): \"blocked on infra\" is not a field we know (Owner:, Due:, Priority:, Status:, Type:, an @handle, P0–P3); left out."],
            result.Warnings);
    }

    [Fact]
    public void A_list_item_with_fields_and_no_description_is_not_taken_and_a_warning_says_so()
    {
        var result = ReadUnderActionItems("""
            - Owner: Bob, Due: 1 week
            - Add pool metrics (owner: Carol)
            """);

        Assert.Equal(["Add pool metrics"], Items(result).Select(item => item.Description));
        Assert.Equal(["list under \"Action Items\", item 1 (line 5): no description, only fields; not taken."], result.Warnings);
    }

    [Fact]
    public void A_section_naming_action_items_that_yields_none_is_named_in_a_warning()
    {
        var result = Read("""
            # Checkout outage

            ## Summary

            Checkout failed.

            ## Action Items

            We will follow up in the next retro.

            ## Lessons Learned
            """);

        Assert.Empty(Items(result));
        Assert.Equal(
            ["section \"Action Items\" (line 7) yields no action items: write them as a table with Action and Owner columns, or as a list (\"- Add disk alerts — Owner: @dave, Due: 1 week\")."],
            result.Warnings);
    }

    [Fact]
    public void A_section_whose_items_are_in_tables_of_its_sub_sections_yields_them()
    {
        var result = ReadUnderActionItems("""
            ### Immediate Actions (Within 24 Hours)

            | # | Action | Owner |
            |---|---|---|
            | 1 | Fix the leak | Bob |
            """);

        Assert.Single(Items(result));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_table_under_action_items_without_an_owner_column_is_named_in_a_warning()
    {
        var result = ReadUnderActionItems("""
            | Action | Notes |
            |---|---|
            | Fix the leak | soon |
            """);

        Assert.Empty(Items(result));
        Assert.Equal(
            [
                "table 1 \"Action Items\" (line 5) is not an action-item table: its header needs an Action (or Description) column and an Owner column; its rows were not taken.",
                "section \"Action Items\" (line 3) yields no action items: write them as a table with Action and Owner columns, or as a list (\"- Add disk alerts — Owner: @dave, Due: 1 week\").",
            ],
            result.Warnings);
    }

    [Fact]
    public void Under_action_items_a_table_may_name_its_columns_task_and_assignee()
    {
        var result = Read("""
            # Checkout outage

            ## Next Steps

            | Task | Assignee | Due |
            |---|---|---|
            | Fix the leak | Bob | 2026-12-01 |
            """);

        Assert.Equal(("Fix the leak", "Bob", "2026-12-01"), Items(result).Select(item => (item.Description, item.Owner, item.DueDate)).Single());
    }

    [Fact]
    public void A_template_row_holding_only_its_number_is_skipped_with_a_warning()
    {
        var result = Read("""
            # Checkout outage

            | # | Action | Owner | Status |
            |---|---|---|---|
            | 1 | Fix the leak | Bob | Open |
            | 2 | | | |
            """);

        Assert.Single(Items(result));
        Assert.Equal(["table 1 \"Checkout outage\", row 2: only its number is filled in; skipped."], result.Warnings);
    }

    [Fact]
    public void A_task_list_outside_action_items_is_a_checklist_not_items()
    {
        var result = Read("""
            # Checkout outage

            ## Postmortem Effectiveness

            - [ ] Action items reviewed at 1 week
            - [ ] Postmortem shared with broader organization
            """);

        Assert.Empty(Items(result));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Action_items_in_a_list_without_a_title_make_a_postmortem()
    {
        var result = MarkdownPostmortemReader.Read("## Action Items\n\n- Fix the leak (owner: Bob)\n");

        Assert.True(result.Ok, result.Error?.ToString());
        Assert.Single(Items(result));
    }

    /// <summary>
    /// Reads <paramref name="section"/> as the body of "## Action Items" under "# Checkout outage", so that its first
    /// line is line 5 of the document.
    /// </summary>
    private static PostmortemReadResult ReadUnderActionItems(string section) => Read($"# Checkout outage\n\n## Action Items\n\n{section}");

    private static PostmortemReadResult Read(string markdown)
    {
        var result = MarkdownPostmortemReader.Read(markdown);
        Assert.True(result.Ok, result.Error?.ToString());
        return result;
    }

    private static List<ActionItemInput> Items(PostmortemReadResult result) => result.Document?.ActionItems ?? [];
}
