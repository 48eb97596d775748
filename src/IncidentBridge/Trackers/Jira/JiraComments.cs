using System.Text;
using System.Text.Json;

namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The comments IncidentBridge writes: the text verbatim in the format of the configured API version, marked with
/// its <see cref="TrackerComment.HiddenId"/> twice, as a comment entity property and as a trailing line of text.
/// Each covers what the other may not: the property survives an edit of the text, the line a read that returns
/// no properties (they take an expansion not every Jira honours) or an import that drops them.
/// </summary>
internal static class JiraComments
{
    public const string PropertyKey = "incidentbridge";

    /// <summary>The comment to post: the text, a blank line, the marker line, and the marker as a property.</summary>
    public static JiraCommentRequest Request(JiraOptions options, TrackerComment comment) =>
        new(
            Render(options, comment.Text.TrimEnd() + "\n\n" + MarkerLine(options, comment.HiddenId)),
            [new JiraCommentProperty(PropertyKey, new JiraCommentMarker(comment.HiddenId))]);

    /// <summary>Whether <paramref name="comment"/> is the one marked <paramref name="hiddenId"/>, by its property or its text.</summary>
    public static bool IsMarked(JiraComment comment, string hiddenId) =>
        (comment.Properties ?? []).Any(property => IsMarker(property, hiddenId))
        || Unescaped(TextOf(comment.Body)).Contains(Token(hiddenId), StringComparison.Ordinal);

    private static JsonElement Render(JiraOptions options, string text) =>
        options.IsCloud
            ? JsonSerializer.SerializeToElement(Adf(text), JiraJsonContext.Wire.AdfDocument)
            : JsonSerializer.SerializeToElement(text, JiraJsonContext.Wire.String);

    private static string Token(string hiddenId) => $"[{PropertyKey}:{hiddenId}]";

    // In wiki markup brackets make a link; escaped, they show as themselves.
    private static string MarkerLine(JiraOptions options, string hiddenId) =>
        options.IsCloud ? Token(hiddenId) : Token(hiddenId).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);

    private static string Unescaped(string text) =>
        text.Replace("\\[", "[", StringComparison.Ordinal).Replace("\\]", "]", StringComparison.Ordinal);

    private static bool IsMarker(JiraPropertyValue property, string hiddenId) =>
        property.Key == PropertyKey
        && property.Value is { ValueKind: JsonValueKind.Object } value
        && value.TryGetProperty("id", out var id)
        && id.ValueKind == JsonValueKind.String
        && id.GetString() == hiddenId;

    /// <summary>A wiki body as it is; an ADF body's text nodes in order, with a line break between blocks and at each <c>hardBreak</c>.</summary>
    private static string TextOf(JsonElement? body)
    {
        if (body is not { } element)
        {
            return string.Empty;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() ?? string.Empty;
        }

        var text = new StringBuilder();
        AppendText(element, text);
        return text.ToString();
    }

    private static void AppendText(JsonElement node, StringBuilder text)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (node.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
        {
            text.Append(value.GetString());
        }

        if (node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "hardBreak")
        {
            text.Append('\n');
        }

        if (node.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in content.EnumerateArray())
            {
                AppendText(child, text);
            }

            text.Append('\n');
        }
    }

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
