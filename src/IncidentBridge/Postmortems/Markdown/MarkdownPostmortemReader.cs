using System.Diagnostics.CodeAnalysis;
using Markdig.Extensions.Tables;
using Markdig.Syntax.Inlines;
using Markdig.Syntax;
using Markdig;

namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// Reads a postmortem written in Markdown (the templates teams already write: copies live in tests/IncidentBridge.Tests/Postmortems/Seeds) into a
/// <see cref="PostmortemDocument"/>, values as written; <see cref="PostmortemNormalizer"/> judges them.
/// Structure comes from Markdig's syntax tree, so a table inside a fenced code block is code, not data.
/// Action items come from action-item tables anywhere, and from lists under a heading or label naming action items
/// (<see cref="ActionItemHeadings"/>), one item per list item (<see cref="ActionItemBullet"/>). What looked like an
/// action item or a field and was not taken is said in <see cref="PostmortemReadResult.Warnings"/>, naming where.
/// </summary>
internal static class MarkdownPostmortemReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static PostmortemReadResult Read(string markdown)
    {
        var builder = new MarkdownPostmortemBuilder();
        Markdig.Syntax.MarkdownDocument parsed;
        try
        {
            parsed = Markdig.Markdown.Parse(markdown, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig's own guard against pathological input (its nesting depth limit, 128 levels).
            return PostmortemReadResult.Fail("$", "The Markdown is nested too deeply (more than 128 levels of quotes, lists or emphasis): no postmortem template looks like this.");
        }

        Walk(parsed, builder);
        return builder.Build() is { } document
            ? PostmortemReadResult.Success(document, builder.Warnings)
            : PostmortemReadResult.Fail(
                "$",
                "Expected a postmortem in Markdown: a title heading ('# Incident Postmortem: …'), an action-item " +
                "table (a table whose header has an Action or Description column and an Owner column), or a list under an " +
                "'Action Items' heading; found none.");
    }

    private static void Walk(IEnumerable<Block> blocks, MarkdownPostmortemBuilder builder)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    builder.Heading(heading.Level, MarkdownText.Flow(MarkdownText.Plain(heading.Inline)), heading.Line + 1);
                    break;
                case Table table:
                    ReadTable(table, builder);
                    break;
                case ListItemBlock item:
                    ReadListItem(item, builder);
                    break;
                case ParagraphBlock paragraph:
                    ReadParagraph(paragraph, builder);
                    break;
                case ContainerBlock inner:
                    Walk(inner, builder);
                    break;

                // Code blocks, HTML and thematic breaks carry nothing the postmortem model holds.
            }
        }
    }

    private static void ReadParagraph(ParagraphBlock paragraph, MarkdownPostmortemBuilder builder)
    {
        IReadOnlyList<IReadOnlyList<Inline>> lines = MarkdownText.Lines(paragraph.Inline);

        // "**Contributing Factors:**" alone, or "**Example:**" with its text on the next line (one paragraph).
        if (MarkdownText.Field(lines[0]) is { Value.Length: 0 } label)
        {
            builder.Label(label.Name, paragraph.Line + 1);
            lines = lines.Skip(1).ToList();
        }

        if (lines.Count > 0 && !ReadFields(lines, builder))
        {
            builder.Prose(MarkdownText.Flow(string.Join('\n', lines.Select(line => MarkdownText.Plain(line)))));
        }
    }

    /// <summary>
    /// An item's first paragraph is the item; what follows it (a nested list, a table) is walked as usual. Under a
    /// heading naming action items it is an action item; <c>* **Action Items:**</c> alone makes its sub-list action items.
    /// </summary>
    private static void ReadListItem(ListItemBlock item, MarkdownPostmortemBuilder builder)
    {
        if (builder.InActionItems)
        {
            ReadActionItem(item, builder, Number(item));
            return;
        }

        if (item.FirstOrDefault() is not ParagraphBlock paragraph)
        {
            Walk(item, builder);
            return;
        }

        if (MarkdownText.Lines(paragraph.Inline) is [var only] && MarkdownText.Field(only) is { Value.Length: 0 } label && ActionItemHeadings.Names(label.Name))
        {
            builder.BeginActionList(label.Name, paragraph.Line + 1);
            foreach (var child in SubItems(item))
            {
                ReadActionItem(child, builder, Number(child));
            }

            builder.EndActionList();
            return;
        }

        if (!ReadFields(MarkdownText.Lines(paragraph.Inline), builder))
        {
            builder.ListItem(MarkdownText.Flow(MarkdownText.Plain(paragraph.Inline)));
        }

        Walk(item.Skip(1), builder);
    }

    /// <summary>
    /// Lines of <c>**Name**: value</c> fields. A paragraph opening with a section's field (<c>**Primary Cause:**
    /// …</c>) gives that section the rest of the paragraph; a paragraph with any metadata field
    /// (<c>**Date**: …</c>) is a block of fields, none of it prose. Returns false for anything else.
    /// </summary>
    private static bool ReadFields(IReadOnlyList<IReadOnlyList<Inline>> lines, MarkdownPostmortemBuilder builder)
    {
        if (lines.Count > 0 && MarkdownText.Field(lines[0]) is { } first &&
            PostmortemSectionNames.Find(first.Name) != PostmortemSection.None)
        {
            var more = lines.Skip(1).Select(line => MarkdownText.Plain(line));
            builder.Field(first with { Value = MarkdownText.Flow(string.Join('\n', more.Prepend(first.Value))) });
            return true;
        }

        var fields = lines.Select(MarkdownText.Field).OfType<MarkdownField>().ToList();
        if (!fields.Any(field => MarkdownPostmortemBuilder.IsKnownField(field.Name)))
        {
            return false;
        }

        foreach (var field in fields)
        {
            builder.Field(field);
        }

        return true;
    }

    /// <summary>
    /// A list item as an action item: its line (<see cref="ActionItemBullet"/>), with fields its sub-list may add one per
    /// line (<c>Owner: DevOps Team</c>). A line ending in a colon titles the sub-list that says what to do
    /// ("**High Priority - Staging Parity:**" over "Ensure staging matches production"). A line without fields over
    /// sub-items that have their own ("Monitoring:" over "Add disk alerts (owner: Bob)") is a group: each sub-item is
    /// an item. Without an owner an item is still filed, as "unassigned", with a warning: an item dropped for want of
    /// a name would never be chased.
    /// </summary>
    private static void ReadActionItem(ListItemBlock item, MarkdownPostmortemBuilder builder, string number)
    {
        var location = $"list under \"{builder.ActionSectionName}\", item {number} (line {item.Line + 1})";
        var head = item.FirstOrDefault() is ParagraphBlock paragraph ? MarkdownText.Flow(MarkdownText.Plain(paragraph.Inline)) : "";
        var bullet = ActionItemBullet.Read(head);
        var subItems = SubItems(item);
        var fields = bullet.Fields;
        var details = subItems.Where(child => !ActionItemBullet.TryReadFieldLine(TextOf(child), fields)).ToList();
        var itemLike = details.Where(IsItemLike).ToList();
        if (details.Count == subItems.Count && itemLike.Count > 0 && !fields.Any && bullet.Unread.Count == 0)
        {
            for (var index = 0; index < subItems.Count; index++)
            {
                ReadActionItem(subItems[index], builder, $"{number}.{index + 1}");
            }

            return;
        }

        foreach (var unread in bullet.Unread)
        {
            builder.Warn($"{location}: \"{unread}\" is not a field we know (Owner:, Due:, Priority:, Status:, Type:, an @handle, P0–P3); left out.");
        }

        var description = bullet.IsLabel || bullet.Description.Length == 0
            ? string.Join(": ", new[] { bullet.Description, string.Join("; ", details.Select(TextOf)) }.Where(part => part.Length > 0))
            : bullet.Description;
        if (description.Length == 0)
        {
            if (head.Length > 0 || subItems.Count > 0)
            {
                builder.Warn($"{location}: no description, only fields; not taken.");
            }

            return;
        }

        if (!bullet.IsLabel && bullet.Description.Length > 0)
        {
            foreach (var ignored in itemLike)
            {
                builder.Warn($"{location}: sub-item \"{TextOf(ignored)}\" is read as part of this item, not as an item of its own.");
            }
        }

        if (fields.Owner is null)
        {
            builder.Warn($"{location}: no owner (Owner: …, or an @handle); filed as \"{ActionItemBullet.Unassigned}\".");
        }

        builder.ActionItem(new ActionItemInput
        {
            Description = description,
            Type = fields.Type,
            Owner = fields.Owner ?? ActionItemBullet.Unassigned,
            Priority = fields.Priority,
            DueDate = fields.DueDate,
            Status = fields.Status ?? bullet.Checked switch { true => "done", false => "open", null => null },
            TrackerKey = fields.TrackerKey,
            Location = location,
        });
    }

    /// <summary>A sub-item that reads as an action item of its own: an owner or due date on its line, or fields on its sub-list.</summary>
    private static bool IsItemLike(ListItemBlock item)
    {
        var fields = ActionItemBullet.Read(TextOf(item)).Fields;
        return fields.Owner is not null || fields.DueDate is not null ||
            SubItems(item).Any(child => ActionItemBullet.TryReadFieldLine(TextOf(child), new BulletFields()));
    }

    private static List<ListItemBlock> SubItems(ListItemBlock item) =>
        item.OfType<ListBlock>().SelectMany(list => list.OfType<ListItemBlock>()).ToList();

    private static string TextOf(ListItemBlock item) =>
        item.FirstOrDefault() is ParagraphBlock paragraph ? MarkdownText.Flow(MarkdownText.Plain(paragraph.Inline)) : "";

    /// <summary>The item's place in its list, counting from 1.</summary>
    private static string Number(ListItemBlock item) =>
        ((item.Parent is ListBlock list ? list.IndexOf(item) : 0) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void ReadTable(Table table, MarkdownPostmortemBuilder builder)
    {
        var number = builder.NextTable();
        var rows = table.OfType<TableRow>().Select(row => (row.IsHeader, Cells: Cells(row), Links: Links(row))).ToList();
        if (rows.Count == 0 || !rows[0].IsHeader)
        {
            return;
        }

        var header = rows[0].Cells;
        var body = rows.Skip(1).Select(row => row.Cells).ToList();
        var links = rows.Skip(1).Select(row => row.Links).ToList();
        var place = builder.NearestHeading is { } heading ? $"table {number} \"{heading}\"" : $"table {number}";
        if (ActionItemColumns.Find(header, builder.InActionItems) is { } actionItems)
        {
            builder.ActionItemTable();
            for (var index = 0; index < body.Count; index++)
            {
                if (actionItems.IsNumberOnly(body[index]))
                {
                    builder.Warn($"{place}, row {index + 1}: only its number is filled in; skipped.");
                }
                else if (body[index].Any(cell => cell.Length > 0))
                {
                    builder.ActionItem(actionItems.Read(body[index], links[index], $"{place}, row {index + 1}"));
                }
            }
        }
        else if (builder.InActionItems && TimelineColumns.Find(header) is null)
        {
            builder.Warn(
                $"{place} (line {table.Line + 1}) is not an action-item table: its header needs an Action (or Description) column " +
                "and an Owner column; its rows were not taken.");
        }
        else if (TimelineColumns.Find(header) is { } timeline)
        {
            foreach (var row in body.Where(row => row.Any(cell => cell.Length > 0)))
            {
                builder.TimelineEntry(timeline.Read(row));
            }
        }
        else if (header.Count == 2)
        {
            // "| **Date** | 2024-01-15 |": the template's summary table, one field per row.
            foreach (var row in body.Where(row => row.Count == 2))
            {
                builder.Field(new MarkdownField(row[0], row[1]));
            }
        }
    }

    private static List<string> Cells(TableRow row) => row.OfType<TableCell>().Select(MarkdownText.Plain).ToList();

    /// <summary>Where each cell's first link points, if it has one: "[#102](…/pull/102)" reads as "#102", which is not the issue it names.</summary>
    private static List<string?> Links(TableRow row) =>
        row.OfType<TableCell>().Select(cell => cell.Descendants<LinkInline>().FirstOrDefault(link => !link.IsImage)?.Url).ToList();
}

/// <summary>
/// A postmortem read from Markdown: either the document as written or why it is not a postmortem. <see cref="Warnings"/>
/// name what looked like an action item or a field and was not taken.
/// </summary>
internal sealed record PostmortemReadResult(PostmortemDocument? Document, PayloadError? Error)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];

    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Document is not null;

    public static PostmortemReadResult Success(PostmortemDocument document, IReadOnlyList<string> warnings) => new(document, null) { Warnings = warnings };

    public static PostmortemReadResult Fail(string field, string detail) => new(null, new PayloadError(field, detail));
}

/// <summary>A <c>**Name**: value</c> (or <c>**Name:** value</c>) line, as written.</summary>
internal readonly record struct MarkdownField(string Name, string Value);
