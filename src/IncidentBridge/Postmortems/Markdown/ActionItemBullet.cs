using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// One list item's line read as an action item, the ways people write them:
/// <c>[ ] Add disk alerts — Owner: @dave, Due: 2026-12-20, P1</c>, <c>Add canary (owner: SRE Team, due: 1 week)</c>,
/// <c>[x] Roll back</c>, <c>P1: Add pool metrics @carol</c>. The description is what comes before the fields: a trailing
/// parenthesis of fields, the first <c>Owner:</c>/<c>Due:</c>/… label, or a dash followed by nothing but fields.
/// Values are kept as written (the normalizer judges them); a part of the fields that is none of them is returned in
/// <see cref="Unread"/>, for a warning.
/// </summary>
internal sealed partial record ActionItemBullet
{
    /// <summary>The owner of an item that names none: filed all the same, and said so in a warning.</summary>
    public const string Unassigned = "unassigned";

    public required string Description { get; init; }

    /// <summary>The line ended with a colon (<c>**High Priority - Staging Parity:**</c>): a title for what its sub-list says.</summary>
    public bool IsLabel { get; init; }

    /// <summary>True for <c>[x]</c>, false for <c>[ ]</c>, null without a box.</summary>
    public bool? Checked { get; init; }

    public BulletFields Fields { get; init; } = new();

    public IReadOnlyList<string> Unread { get; init; } = [];

    public static ActionItemBullet Read(string line)
    {
        var text = line.Trim();
        bool? isChecked = null;
        if (Checkbox().Match(text) is { Success: true } box)
        {
            isChecked = box.Groups["mark"].Value != " ";
            text = text[box.Length..];
        }

        var fields = new BulletFields();
        if (LeadingPriority().Match(text) is { Success: true } leading)
        {
            fields.Priority = leading.Groups["priority"].Value;
            text = text[leading.Length..];
        }

        var unread = new List<string>();
        var (description, region) = Split(text);
        if (region is not null)
        {
            Fill(fields, region, unread);
        }

        description = description.TrimEnd();
        var isLabel = description.EndsWith(':');
        return new ActionItemBullet
        {
            Description = TrailingSeparator().Replace(description, ""),
            IsLabel = isLabel,
            Checked = isChecked,
            Fields = fields,
            Unread = unread,
        };
    }

    /// <summary>A line that is one field and nothing else (<c>Owner: DevOps Team</c>), as sub-lists of an item write them.</summary>
    public static bool TryReadFieldLine(string line, BulletFields fields)
    {
        if (FieldLine().Match(line.Trim()) is not { Success: true } match || match.Groups["value"].Value.Trim().Length == 0)
        {
            return false;
        }

        fields.Set(match.Groups["key"].Value, match.Groups["value"].Value.Trim());
        return true;
    }

    /// <summary>The description and the fields after it, or the whole line and null when it has none.</summary>
    private static (string Description, string? Region) Split(string text)
    {
        if (TrailingParenthesis().Match(text) is { Success: true } parenthesis && Understood(parenthesis.Groups["fields"].Value))
        {
            return (text[..parenthesis.Index], parenthesis.Groups["fields"].Value);
        }

        if (FirstLabel().Match(text) is { Success: true } label)
        {
            var start = label.Groups["key"].Index;
            return (text[..start], text[start..]);
        }

        foreach (Match separator in Separator().Matches(text))
        {
            var tail = text[(separator.Index + separator.Length)..];
            if (separator.Index > 0 && Parts(tail).All(part => Bare(new BulletFields(), part)))
            {
                return (text[..separator.Index], tail);
            }
        }

        // "Add disk alerts @dave P1": bare fields at the end, after the words.
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = words.Length;
        while (kept > 1 && TrailingToken().IsMatch(words[kept - 1]))
        {
            kept--;
        }

        return kept == words.Length ? (text, null) : (string.Join(' ', words[..kept]), string.Join(", ", words[kept..]));
    }

    /// <summary>Whether a parenthesis holds fields ("owner: SRE", "@dave, P1") rather than words ("with back-off"): half its parts at least.</summary>
    private static bool Understood(string region)
    {
        var parts = Parts(region).ToList();
        var understood = parts.Count(part => KeyedPart().IsMatch(part) || Bare(new BulletFields(), part));
        return understood > 0 && understood * 2 >= parts.Count;
    }

    private static void Fill(BulletFields fields, string region, List<string> unread)
    {
        foreach (var part in Parts(region))
        {
            if (KeyedPart().Match(part) is { Success: true } keyed)
            {
                var value = keyed.Groups["value"].Value.Trim();
                if (value.Length > 0)
                {
                    fields.Set(keyed.Groups["key"].Value, value);
                }
            }
            else if (!Bare(fields, part))
            {
                unread.Add(part);
            }
        }
    }

    /// <summary>
    /// A field without its label: <c>@dave</c> is the owner, <c>P1</c> or <c>High</c> the priority, a date or a span
    /// (<c>due 1 week</c>) the due date, <c>PAY-12</c> the ticket, a status or type word the status or type.
    /// </summary>
    private static bool Bare(BulletFields fields, string part)
    {
        var value = part.Trim();
        if (value.Length == 0)
        {
            return false;
        }

        if (Handle().IsMatch(value))
        {
            fields.Owner ??= value;
        }
        else if (PriorityWords.Normalize(value) is not null)
        {
            fields.Priority ??= value;
        }
        else if (DuePrefix().Match(value) is { Success: true } due && IsDue(due.Groups["due"].Value))
        {
            fields.DueDate ??= due.Groups["due"].Value;
        }
        else if (TrackerKeys.TryNormalize(value, out _) && !value.StartsWith('#') && !char.IsDigit(value[0]))
        {
            fields.TrackerKey ??= value;
        }
        else if (StatusWords.ActionItem(value) is not null)
        {
            fields.Status ??= value;
        }
        else if (ActionItemTypes.Find(value) is not null)
        {
            fields.Type ??= value;
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool IsDue(string text) => DateWords.TryParse(text, 2000, out _) || DateWords.TryParseSpan(text, out _);

    /// <summary>The parts of a run of fields: split at commas, semicolons, bars and dashes, and before each label.</summary>
    private static IEnumerable<string> Parts(string region) =>
        PartSeparator().Split(region)
            .SelectMany(part => BeforeLabel().Split(part))
            .Select(part => part.Trim().Trim('(', ')').Trim())
            .Where(part => part.Length > 0);

    private const string Keys =
        @"owners?|assignees?|assigned to|dri|due dates?|due|deadline|eta|priority|prio|status|type|ticket|jira";

    [GeneratedRegex(@"^\[(?<mark>[ xX✓✔])\]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Checkbox();

    [GeneratedRegex(@"^\[?(?<priority>[Pp][0-3])\]?\s*[-–—:]?\s+|^(?<priority>(?:critical|high|medium|low)\s+priority)\s*[-–—:]\s*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex LeadingPriority();

    [GeneratedRegex(@"\s*\((?<fields>[^()]*)\)\s*[.;]?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingParenthesis();

    [GeneratedRegex(@"(?:^|[\s,;(|])(?<key>" + Keys + @")\s*:", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FirstLabel();

    [GeneratedRegex(@"^(?<key>" + Keys + @"|who|by|issue|tracking)\s*:\s*(?<value>.*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^(?<key>" + Keys + @")\s*:\s*(?<value>.*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex KeyedPart();

    [GeneratedRegex(@"(?=\b(?:" + Keys + @")\s*:)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BeforeLabel();

    [GeneratedRegex(@"\s+[—–-]\s+|\s+\|\s+|\s*,\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Separator();

    [GeneratedRegex(@"[,;|]|\s[—–]\s|\s-\s", RegexOptions.CultureInvariant)]
    private static partial Regex PartSeparator();

    private const string HandlePattern = @"^@[\w.-]+$";

    [GeneratedRegex(HandlePattern, RegexOptions.CultureInvariant)]
    private static partial Regex Handle();

    /// <summary>A bare field that can end an item's line after its words: a handle, or a priority P0 to P3.</summary>
    [GeneratedRegex(HandlePattern + @"|^[Pp][0-3]$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingToken();

    [GeneratedRegex(@"^(?:(?:due|by)\s+(?:on\s+)?)?(?<due>.+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DuePrefix();

    [GeneratedRegex(@"\s*[—–:|,;-]+\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingSeparator();
}

/// <summary>The fields found on an action item's line or its sub-list; the first value given for each wins.</summary>
internal sealed class BulletFields
{
    public string? Owner { get; set; }

    public string? DueDate { get; set; }

    public string? Priority { get; set; }

    public string? Status { get; set; }

    public string? Type { get; set; }

    public string? TrackerKey { get; set; }

    public bool Any => Owner is not null || DueDate is not null || Priority is not null || Status is not null || Type is not null || TrackerKey is not null;

    public void Set(string key, string value)
    {
        switch (MarkdownText.Key(key))
        {
            case "owner" or "owners" or "assignee" or "assignees" or "assigned to" or "dri" or "who":
                Owner ??= value;
                break;
            case "due" or "due date" or "due dates" or "deadline" or "eta" or "by":
                DueDate ??= value;
                break;
            case "priority" or "prio":
                Priority ??= value;
                break;
            case "status":
                Status ??= value;
                break;
            case "type":
                Type ??= value;
                break;
            default:
                TrackerKey ??= value;
                break;
        }
    }
}
