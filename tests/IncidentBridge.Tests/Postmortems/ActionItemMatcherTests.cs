using IncidentBridge.Postmortems;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>Which stored item each re-posted action item continues (<see cref="ActionItemMatcher"/>), without a database.</summary>
public sealed class ActionItemMatcherTests
{
    [Fact]
    public void Renumbered_rows_keep_their_items_and_an_inserted_row_is_new()
    {
        var stored = Stored(("1", "Fix the leak", "Bob"), ("2", "Add pool metrics", "Carol"), ("3", "Write a runbook", "Dave"));

        var matches = Match(stored, Posted("Fix the leak", "Bob"), Posted("Add a canary stage", "Eve"), Posted("Add pool metrics", "Carol"), Posted("Write a runbook", "Dave"));

        Assert.Equal(["1", null, "2", "3"], matches.Select(m => m.Stored?.ItemKey));
        Assert.Equal(["1", "k1", "2", "3"], matches.Select(m => m.Key));
    }

    [Fact]
    public void Description_matches_ignoring_case_and_spacing()
    {
        var matches = Match(Stored(("k1", "Fix the leak", "Bob")), Posted("  FIX the\tleak ", "Carol"));

        Assert.Equal("k1", Assert.Single(matches).Stored?.ItemKey);
    }

    [Fact]
    public void Same_descriptions_go_to_the_row_with_the_same_owner_then_in_order()
    {
        var stored = Stored(("k1", "Write a runbook", "Bob"), ("k2", "Write a runbook", "Carol"), ("k3", "Write a runbook", "Dave"));

        var matches = Match(stored, Posted("Write a runbook", "Carol"), Posted("Write a runbook", "Erin"), Posted("Write a runbook", "Bob"), Posted("Write a runbook", "Frank"));

        // Carol and Bob keep theirs; Erin takes the first left (Dave's: reassigned); Frank's is a new item.
        Assert.Equal(["k2", "k3", "k1", null], matches.Select(m => m.Stored?.ItemKey));
        Assert.Equal("k4", matches[3].Key);
    }

    [Fact]
    public void Same_description_and_owner_is_told_apart_by_the_rest_of_the_row()
    {
        var stored = Stored(("k1", "Write a runbook", "Bob"), ("k2", "Write a runbook", "Bob"));
        stored[1] = stored[1] with { Priority = "P3" };

        var matches = Match(stored, Posted("Write a runbook", "Bob") with { Priority = "P3" });

        Assert.Equal("k2", Assert.Single(matches).Stored?.ItemKey);
    }

    [Fact]
    public void Edited_descriptions_go_to_the_unmatched_rows_of_the_same_owner_in_order()
    {
        var stored = Stored(("k1", "Fix the leak", "Bob"), ("k2", "Add pool metrics", "Carol"), ("k3", "Write a runbook", "Bob"), ("k4", "Add alerts", "Dave"));

        var matches = Match(stored, Posted("Fix the leak in the handler", "Bob"), Posted("Add pool metrics", "Carol"), Posted("Write the pool runbook", "Bob"), Posted("Add a load test", "Eve"));

        // Dave's item is left over (removed); Eve's is new: an owner's edit never takes another owner's issue.
        Assert.Equal(["k1", "k2", "k3", null], matches.Select(m => m.Stored?.ItemKey));
    }

    [Fact]
    public void Items_with_ids_are_matched_by_id_before_anything_else()
    {
        var stored = Stored(("AI-1", "Fix the leak", "Bob"), ("AI-2", "Add pool metrics", "Carol"));

        var matches = Match(stored, Posted("Fix the leak", "Bob", id: "AI-2"), Posted("Something else", "Eve", id: "AI-1"));

        Assert.Equal(["AI-2", "AI-1"], matches.Select(m => m.Stored?.ItemKey));
    }

    [Fact]
    public void An_item_under_an_authors_id_is_not_taken_by_an_edited_row_of_the_same_owner()
    {
        var matches = Match(Stored(("AI-1", "Fix the leak", "Bob")), Posted("Fix the leak properly", "Bob"));

        Assert.Null(Assert.Single(matches).Stored);
    }

    [Fact]
    public void An_id_given_for_the_first_time_takes_over_the_item_with_a_made_up_key()
    {
        var stored = Stored(("k1", "Fix the leak", "Bob"), ("d-69c40a3e3cb18aff", "Add pool metrics", "Carol"), ("AI-7", "Write a runbook", "Dave"));

        var matches = Match(stored, Posted("Fix the leak", "Bob", id: "AI-1"), Posted("Add pool metrics", "Carol", id: "AI-2"), Posted("Write a runbook", "Dave", id: "AI-3"));

        Assert.Equal(["k1", "d-69c40a3e3cb18aff", null], matches.Select(m => m.Stored?.ItemKey));
        Assert.Equal(["AI-1", "AI-2", "AI-3"], matches.Select(m => m.Key));
    }

    [Fact]
    public void A_removed_item_comes_back_when_its_row_does_but_a_present_one_is_preferred()
    {
        var stored = Stored(("k1", "Write a runbook", "Bob"), ("k2", "Write a runbook", "Bob"));
        stored[0] = stored[0] with { RemovedAt = 1 };

        var once = Match(stored, Posted("Write a runbook", "Bob"));
        var twice = Match(stored, Posted("Write a runbook", "Bob"), Posted("Write a runbook", "Bob"));

        Assert.Equal("k2", Assert.Single(once).Stored?.ItemKey);
        Assert.Equal(["k2", "k1"], twice.Select(m => m.Stored?.ItemKey));
    }

    [Fact]
    public void Removed_items_are_not_taken_by_edited_rows()
    {
        var stored = Stored(("k1", "Fix the leak", "Bob"));
        stored[0] = stored[0] with { RemovedAt = 1 };

        Assert.Null(Assert.Single(Match(stored, Posted("Fix the leak properly", "Bob"))).Stored);
    }

    [Fact]
    public void Fresh_keys_go_past_every_key_used_and_skip_taken_ones()
    {
        var stored = Stored(("k2", "Fix the leak", "Bob"), ("AI-1", "Add pool metrics", "Carol"));

        var matches = ActionItemMatcher.Match(stored, [Posted("Fix the leak", "Bob"), Posted("New one", "Eve"), Posted("Another", "Eve", id: "k5"), Posted("Third", "Eve")], key => key == "k6");

        // Past k5 (an author's id in this post counts), and k6 is taken (its marker belongs to an item re-keyed since).
        Assert.Equal(["k2", "k7", "k5", "k8"], matches.Select(m => m.Key));
    }

    private static List<ItemMatch> Match(IReadOnlyList<ActionItemRow> stored, params ActionItem[] posted) =>
        ActionItemMatcher.Match(stored, posted, _ => false).ToList();

    private static ActionItem Posted(string description, string owner, string? id = null) =>
        new() { Id = id, Description = description, Owner = owner, Priority = "P1", Status = "open" };

    private static List<ActionItemRow> Stored(params (string Key, string Description, string Owner)[] items) =>
        items.Select((item, i) => new ActionItemRow
        {
            Id = $"AI-2026-0001-{i + 1}",
            PostmortemId = "PM-2026-0001",
            IncidentId = "INC-2026-0001",
            ItemKey = item.Key,
            Position = i,
            Marker = $"incidentbridge-{i}",
            Description = item.Description,
            Owner = item.Owner,
            Priority = "P1",
            Status = "open",
            SyncState = SyncState.Synced,
        }).ToList();
}
