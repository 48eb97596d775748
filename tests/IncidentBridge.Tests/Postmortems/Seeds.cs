using Markdig;
using Markdig.Syntax;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// The example postmortems (the templates teams already write) kept in <c>Postmortems/Seeds/</c> (and copied into the output of the
/// test assembly), so the tests do not depend on where the clone sits. The lesson pages wrap their examples in
/// <c>```markdown</c> fences; those fences are found by parsing the page, because one example (the runbook in
/// incident-management-module.md) nests a <c>```bash</c> fence that a line-by-line scan would take for the end of the block.
/// </summary>
internal static class Seeds
{
    public static string Read(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Postmortems", "Seeds", fileName));

    /// <summary>The contents of every <c>```markdown</c> fenced block in the seed file, in order.</summary>
    public static IReadOnlyList<string> MarkdownBlocks(string fileName) =>
        Markdig.Markdown.Parse(Read(fileName))
            .Descendants<FencedCodeBlock>()
            .Where(block => string.Equals(block.Info, "markdown", StringComparison.OrdinalIgnoreCase))
            .Select(block => block.Lines.ToString())
            .ToList();

    /// <summary>The one fenced block in the seed file that is a postmortem.</summary>
    public static string PostmortemExample(string fileName) =>
        MarkdownBlocks(fileName).Single(block => block.StartsWith("# Incident Postmortem", StringComparison.Ordinal));

    /// <summary>
    /// The TypeScript object literal assigned by <c>const <paramref name="name"/>: … = { … };</c> in the seed file, as
    /// <c>JSON.stringify</c> would send it: keys quoted, single-quoted strings double-quoted, <c>new Date('2024-03-15')</c>
    /// as the ISO date-time it stands for, trailing commas dropped. Enough JavaScript for the lesson's example, no more.
    /// </summary>
    public static string TypeScriptObject(string fileName, string name)
    {
        var text = Read(fileName);
        var start = text.IndexOf('{', text.IndexOf($"const {name}", StringComparison.Ordinal));
        var end = text.IndexOf("\n};", start, StringComparison.Ordinal) + 2;
        var literal = text[start..end];
        var json = new StringBuilder();
        for (var i = 0; i < literal.Length; i++)
        {
            var c = literal[i];
            if (c == '\'')
            {
                var close = literal.IndexOf('\'', i + 1);
                json.Append(JsonValue.Create(literal[(i + 1)..close]).ToJsonString());
                i = close;
            }
            else if (literal.AsSpan(i).StartsWith("new Date('"))
            {
                var close = literal.IndexOf("')", i, StringComparison.Ordinal);
                json.Append('"').Append(literal[(i + "new Date('".Length)..close]).Append("T00:00:00.000Z\"");
                i = close + 1;
            }
            else if (char.IsLetter(c) && !char.IsLetterOrDigit(json.Length > 0 ? json[^1] : ' '))
            {
                var word = new string(literal[i..].TakeWhile(char.IsLetterOrDigit).ToArray());
                json.Append(word is "true" or "false" or "null" ? word : $"\"{word}\"");
                i += word.Length - 1;
            }
            else if (c == ',' && literal[(i + 1)..].TrimStart() is ['}' or ']', ..])
            {
                // A trailing comma: JSON has none.
            }
            else
            {
                json.Append(c);
            }
        }

        return JsonNode.Parse(json.ToString())?.ToJsonString() ?? throw new InvalidOperationException($"{name} in {fileName} is not an object.");
    }
}
