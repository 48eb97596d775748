using System.Text.Json;

namespace IncidentBridge.Trackers.Jira;

/// <summary>A comment body in the format of the configured API version, with the text verbatim.</summary>
internal static class JiraComments
{
    public static JsonElement Render(JiraOptions options, string text) =>
        options.IsCloud
            ? JsonSerializer.SerializeToElement(Adf(text), JiraJsonContext.Wire.AdfDocument)
            : JsonSerializer.SerializeToElement(text, JiraJsonContext.Wire.String);

    /// <summary>
    /// One paragraph; line breaks become <c>hardBreak</c> nodes, since ADF text nodes do not render newlines and
    /// refuse to be empty (so a blank line is two breaks in a row, not an empty text).
    /// </summary>
    private static AdfDocument Adf(string text)
    {
        var inline = new List<AdfNode>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                inline.Add(new AdfNode("hardBreak"));
            }

            if (lines[i].Length > 0)
            {
                inline.Add(new AdfNode("text", Text: lines[i]));
            }
        }

        return new AdfDocument([new AdfNode("paragraph", Content: inline)]);
    }
}
