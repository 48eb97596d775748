using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace IncidentBridge.Postmortems.Markdown;

/// <summary>Plain text out of Markdig's inline tree, and the <c>**Name**: value</c> lines templates use for fields.</summary>
internal static class MarkdownText
{
    /// <summary>A heading, label or column name reduced for comparison: lower case, single spaces, no trailing colon.</summary>
    public static string Key(string name) =>
        Collapse(name).TrimEnd(':').TrimEnd().ToLowerInvariant();

    /// <summary>The text a reader sees, emphasis and links reduced to their words; line breaks kept as '\n'.</summary>
    public static string Plain(IEnumerable<Inline> inlines)
    {
        var text = new StringBuilder();
        foreach (var inline in inlines)
        {
            Append(text, inline);
        }

        return text.ToString();
    }

    public static string Plain(ContainerInline? container) => container is null ? "" : Plain((IEnumerable<Inline>)container);

    /// <summary>A table cell's text: the cell holds a paragraph (or nothing), not inlines directly.</summary>
    public static string Plain(ContainerBlock cell) =>
        Flow(string.Join('\n', cell.OfType<LeafBlock>().Select(block => Plain(block.Inline))));

    /// <summary>Joins wrapped lines the way a renderer shows them: one line, single-spaced, trimmed.</summary>
    public static string Flow(string text) =>
        string.Join(' ', text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    /// <summary>"[Title]", "[2-3 sentence overview]": template text waiting to be replaced, not content.</summary>
    public static bool IsPlaceholder(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '[' && trimmed[^1] == ']';
    }

    /// <summary>
    /// A paragraph's inlines split at its line breaks. Several <c>**Date:** …</c> fields in one paragraph are
    /// separated only by soft breaks, so each line is a field of its own.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Inline>> Lines(ContainerInline? container)
    {
        var lines = new List<IReadOnlyList<Inline>>();
        if (container is null)
        {
            return lines;
        }

        var line = new List<Inline>();
        foreach (var inline in container)
        {
            if (inline is LineBreakInline)
            {
                lines.Add(line);
                line = [];
            }
            else
            {
                line.Add(inline);
            }
        }

        lines.Add(line);
        return lines;
    }

    /// <summary>
    /// Reads <c>**Name**: value</c> or <c>**Name:** value</c>: the line must open with strong emphasis, and the
    /// colon may sit inside or just after it. A bare <c>**Name:**</c> is a field with an empty value (a label).
    /// </summary>
    public static MarkdownField? Field(IReadOnlyList<Inline> line)
    {
        var start = 0;
        while (start < line.Count && line[start] is LiteralInline literal && literal.Content.IsEmptyOrWhitespace())
        {
            start++;
        }

        if (start == line.Count || line[start] is not EmphasisInline { DelimiterCount: 2 } strong)
        {
            return null;
        }

        var name = Flow(Plain(strong));
        var rest = Flow(Plain(line.Skip(start + 1)));
        if (name.EndsWith(':'))
        {
            name = name[..^1].TrimEnd();
        }
        else if (rest.StartsWith(':'))
        {
            rest = rest[1..].TrimStart();
        }
        else
        {
            return null;
        }

        return name.Length == 0 ? null : new MarkdownField(name, rest);
    }

    private static void Append(StringBuilder text, Inline inline)
    {
        if (inline is ContainerInline container)
        {
            foreach (var child in container)
            {
                Append(text, child);
            }

            return;
        }

        text.Append(inline switch
        {
            LiteralInline literal => literal.Content.ToString(),
            CodeInline code => code.Content,
            HtmlEntityInline entity => entity.Transcoded.ToString(),
            AutolinkInline autolink => autolink.Url,
            LineBreakInline => "\n",

            // Raw HTML (<br>, comments) is markup, not words.
            _ => "",
        });
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
