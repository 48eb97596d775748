using Markdig;
using Markdig.Syntax;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// The example postmortems of <c>shared/seeds/</c>, as copied into <c>Postmortems/Seeds/</c> (and from there into the output of the
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
}
