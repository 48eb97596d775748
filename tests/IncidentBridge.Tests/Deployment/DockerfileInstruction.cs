namespace IncidentBridge.Tests.Deployment;

/// <summary>One instruction of a Dockerfile: its keyword (upper case), its arguments with continuations joined, and its build stage.</summary>
internal sealed record DockerfileInstruction(string Keyword, string Arguments, int Stage)
{
    /// <summary>
    /// Parses a Dockerfile: comments and blank lines dropped, backslash continuations joined (comment lines inside a
    /// continuation are skipped, as Docker does), stages numbered from 0 at each FROM.
    /// </summary>
    public static IReadOnlyList<DockerfileInstruction> Parse(string text)
    {
        var instructions = new List<DockerfileInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = "";
            if (whole.Length == 0)
            {
                continue;
            }

            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? whole : whole[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : whole[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerfileInstruction(keyword, arguments, stage));
        }

        Assert.True(pending.Length == 0, "The Dockerfile ends inside a line continuation.");
        return instructions;
    }
}
