using System.Diagnostics.CodeAnalysis;
using IncidentBridge.Api;
using Markdig.Extensions.Tables;
using Markdig.Syntax.Inlines;
using Markdig.Syntax;
using Markdig;

namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// Reads a postmortem written in Markdown (the templates teams already write: copies live in tests/IncidentBridge.Tests/Postmortems/Seeds) into a
/// <see cref="PostmortemDocument"/>, values as written; <see cref="PostmortemNormalizer"/> judges them.
/// Structure comes from Markdig's syntax tree, so a table inside a fenced code block is code, not data.
/// </summary>
internal static class MarkdownPostmortemReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static PostmortemReadResult Read(string markdown)
    {
        var builder = new MarkdownPostmortemBuilder();
        Walk(Markdig.Markdown.Parse(markdown, Pipeline), builder);
        return builder.Build() is { } document
            ? PostmortemReadResult.Success(document)
            : PostmortemReadResult.Fail(
                "$",
                "Expected a postmortem in Markdown: a title heading ('# Incident Postmortem: …') or an action-item " +
                "table (a table whose header has an Action or Description column and an Owner column); found neither.");
    }

    private static void Walk(IEnumerable<Block> blocks, MarkdownPostmortemBuilder builder)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    builder.Heading(heading.Level, MarkdownText.Flow(MarkdownText.Plain(heading.Inline)));
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
            builder.Label(label.Name);
            lines = lines.Skip(1).ToList();
        }

        if (lines.Count > 0 && !ReadFields(lines, builder))
        {
            builder.Prose(MarkdownText.Flow(string.Join('\n', lines.Select(line => MarkdownText.Plain(line)))));
        }
    }

    /// <summary>An item's first paragraph is the item; what follows it (a nested list, a table) is walked as usual.</summary>
    private static void ReadListItem(ListItemBlock item, MarkdownPostmortemBuilder builder)
    {
        if (item.FirstOrDefault() is not ParagraphBlock paragraph)
        {
            Walk(item, builder);
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

    private static void ReadTable(Table table, MarkdownPostmortemBuilder builder)
    {
        var number = builder.NextTable();
        var rows = table.OfType<TableRow>().Select(row => (row.IsHeader, Cells: Cells(row))).ToList();
        if (rows.Count == 0 || !rows[0].IsHeader)
        {
            return;
        }

        var header = rows[0].Cells;
        var body = rows.Skip(1).Select(row => row.Cells).ToList();
        if (ActionItemColumns.Find(header) is { } actionItems)
        {
            builder.ActionItemTable();
            var place = builder.NearestHeading is { } heading ? $"table {number} \"{heading}\"" : $"table {number}";
            for (var index = 0; index < body.Count; index++)
            {
                if (body[index].Any(cell => cell.Length > 0))
                {
                    builder.ActionItem(actionItems.Read(body[index], $"{place}, row {index + 1}"));
                }
            }
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
}

/// <summary>A postmortem read from Markdown: either the document as written or why it is not a postmortem.</summary>
internal sealed record PostmortemReadResult(PostmortemDocument? Document, PayloadError? Error)
{
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Document is not null;

    public static PostmortemReadResult Success(PostmortemDocument document) => new(document, null);

    public static PostmortemReadResult Fail(string field, string detail) => new(null, new PayloadError(field, detail));
}

/// <summary>A <c>**Name**: value</c> (or <c>**Name:** value</c>) line, as written.</summary>
internal readonly record struct MarkdownField(string Name, string Value);
