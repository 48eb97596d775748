namespace IncidentBridge.Postmortems;

/// <summary>The words and marks people write for a postmortem's status and an action item's status.</summary>
internal static class StatusWords
{
    /// <summary>
    /// draft: "draft", "wip", "in progress", "investigating"; in-review: "in review", "in-review", "review",
    /// "under review"; published: everything else — "published", "complete", "final", "done", "resolved", a
    /// missing status, or the template's unfilled "Resolved / Investigating / Monitoring". A postmortem someone
    /// bothered to post is taken as finished unless it says otherwise, so its action items get filed.
    /// </summary>
    public static string Postmortem(string? status) => Words(status) switch
    {
        "draft" or "wip" or "in progress" or "investigating" => PostmortemStatus.Draft,
        "in review" or "review" or "under review" => PostmortemStatus.InReview,
        _ => PostmortemStatus.Published,
    };

    /// <summary>
    /// An action item's status, or null for a word we do not know. Emoji and check marks are dropped before the
    /// words are matched ("✅ Done", "🔄 In Progress", "⏳ Pending"); a mark alone decides only when there are no
    /// words ("✔", "[x]", "[ ]"). Missing means open.
    /// </summary>
    public static string? ActionItem(string? status)
    {
        var text = status?.Trim() ?? "";
        var words = Words(text.Replace("[x]", "", StringComparison.OrdinalIgnoreCase).Replace("[ ]", "", StringComparison.Ordinal));
        return words switch
        {
            "done" or "complete" or "completed" or "closed" or "fixed" or "resolved" or "finished" => ActionItemStatus.Done,
            "in progress" or "doing" or "started" or "ongoing" or "wip" => ActionItemStatus.InProgress,
            "open" or "todo" or "to do" or "pending" or "not started" or "new" or "blocked" or "planned" or "scheduled" or "backlog" or
                "not done" => ActionItemStatus.Open,
            "" => Mark(text),
            _ => null,
        };
    }

    private static string? Mark(string text)
    {
        if (text.Length == 0)
        {
            return ActionItemStatus.Open;
        }

        if (text.Contains("[x]", StringComparison.OrdinalIgnoreCase) || text.IndexOfAny(['✅', '✔', '✓', '☑']) >= 0)
        {
            return ActionItemStatus.Done;
        }

        if (text.Contains("🔄", StringComparison.Ordinal) || text.Contains("🚧", StringComparison.Ordinal))
        {
            return ActionItemStatus.InProgress;
        }

        return text.Contains("[ ]", StringComparison.Ordinal) || text.Contains('⏳') ||
            text.IndexOfAny(['☐', '⬜']) >= 0
            ? ActionItemStatus.Open
            : null;
    }

    /// <summary>Letters and digits only, lower case, single-spaced; hyphens and underscores count as spaces.</summary>
    private static string Words(string? text)
    {
        var words = new StringBuilder();
        foreach (var c in text ?? "")
        {
            if (char.IsLetterOrDigit(c))
            {
                words.Append(char.ToLowerInvariant(c));
            }
            else if ((char.IsWhiteSpace(c) || c is '-' or '_') && words.Length > 0 && words[^1] != ' ')
            {
                words.Append(' ');
            }
        }

        return words.ToString().TrimEnd();
    }
}
