using Markdig;
using Markdig.Syntax;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// The example postmortems in <c>shared/seeds/</c>, next to the repository (the directory holding
/// IncidentBridge.sln). The lesson pages wrap their examples in <c>```markdown</c> fences; those fences are found
/// by parsing the page, because one example (the runbook in incident-management-module.md) nests a
/// <c>```bash</c> fence that a line-by-line scan would take for the end of the block.
/// </summary>
internal static class Seeds
{
    private static readonly Lazy<string> Folder = new(FindFolder);

    public static string Read(string fileName) => File.ReadAllText(Path.Combine(Folder.Value, fileName));

    /// <summary>The contents of every <c>```markdown</c> fenced block in the seed file, in order.</summary>
    public static IReadOnlyList<string> MarkdownBlocks(string fileName) =>
        Markdown.Parse(Read(fileName))
            .Descendants<FencedCodeBlock>()
            .Where(block => string.Equals(block.Info, "markdown", StringComparison.OrdinalIgnoreCase))
            .Select(block => block.Lines.ToString())
            .ToList();

    /// <summary>The one fenced block in the seed file that is a postmortem.</summary>
    public static string PostmortemExample(string fileName) =>
        MarkdownBlocks(fileName).Single(block => block.StartsWith("# Incident Postmortem", StringComparison.Ordinal));

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var inside = Path.Combine(directory.FullName, "shared", "seeds");
            if (Directory.Exists(inside))
            {
                return inside;
            }

            var besideRepository = Path.Combine(directory.FullName, "..", "shared", "seeds");
            if (File.Exists(Path.Combine(directory.FullName, "IncidentBridge.sln")) && Directory.Exists(besideRepository))
            {
                return Path.GetFullPath(besideRepository);
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared/seeds folder above {AppContext.BaseDirectory} or beside the repository root (the folder with IncidentBridge.sln).");
    }
}
