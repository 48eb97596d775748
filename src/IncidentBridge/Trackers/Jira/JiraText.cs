namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// The text IncidentBridge writes into Jira: Jira's length limits and the helpers that keep within them, then the
/// issue description (ADF for Cloud, wiki markup for Data Center) and the comments, each in the format of the
/// configured API version.
/// </summary>
internal static class JiraText
{
    /// <summary>Jira's limit for a summary, a label, and (in characters) a description.</summary>
    public const int MaxSummaryLength = 255;
    public const int MaxLabelLength = 255;
    public const int MaxDescriptionLength = 32_767;

    public const string TruncatedNote = " … (truncated)";

    /// <summary>At most <paramref name="maxLength"/> characters, never splitting a surrogate pair.</summary>
    public static string Truncate(string value, int maxLength)
    {
        if (value.Length <= maxLength)
        {
            return value;
        }

        var length = Math.Max(0, maxLength);
        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value[..length];
    }

    /// <summary>Jira refuses a summary containing line breaks.</summary>
    public static string SingleLine(string value) =>
        string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>"INC-12 — Checkout down", or the id alone when the title is empty.</summary>
    public static string Titled(string id, string title) =>
        string.IsNullOrWhiteSpace(title) ? id : $"{id} — {title}";
}

/// <summary>The description in the format of the configured API version.</summary>
internal static class JiraDescriptions
{
    public const string OwnerNotMatched = "Owner could not be matched to a Jira user.";

    public const string OwnerNotAssignable = "(could not be assigned in Jira)";

    public static JsonElement Render(JiraOptions options, IssueContent content, JiraOwner owner) =>
        options.IsCloud
            ? AdfDescription.Render(content, owner)
            : JsonSerializer.SerializeToElement(WikiDescription.Render(content, owner), JiraJsonContext.Wire.String);

    /// <summary>The owner as the description names them: with a note when the issue could not be given to them.</summary>
    public static string OwnerLine(IssueContent content, JiraOwner owner) =>
        owner == JiraOwner.NotAssignable ? $"{content.Owner} {OwnerNotAssignable}" : content.Owner;
}

/// <summary>What became of the item's owner on the issue; the description says so when it is not the assignee.</summary>
internal enum JiraOwner
{
    /// <summary>A Jira user was found and is sent as the assignee.</summary>
    Matched,

    /// <summary>No single Jira user matches the owner.</summary>
    NotMatched,

    /// <summary>A user was found, but Jira refused to assign the issue to them (400 on <c>assignee</c>).</summary>
    NotAssignable,
}

/// <summary>
/// The v3 (Cloud) description: the action item's text verbatim as the first paragraph, then where it came from.
/// Only a description that would exceed Jira's limit is shortened, and then visibly.
/// </summary>
internal static class AdfDescription
{
    public static JsonElement Render(IssueContent content, JiraOwner owner)
    {
        var description = content.Description;
        for (var attempt = 0; ; attempt++)
        {
            var element = JsonSerializer.SerializeToElement(Document(content, description, owner), JiraJsonContext.Wire.AdfDocument);
            var excess = element.GetRawText().Length - JiraText.MaxDescriptionLength;
            if (excess <= 0 || description.Length == 0 || attempt == 3)
            {
                return element;
            }

            var keep = description.Length - excess - JiraText.TruncatedNote.Length - 64;
            description = keep > 0 ? JiraText.Truncate(description, keep) + JiraText.TruncatedNote : string.Empty;
        }
    }

    private static AdfDocument Document(IssueContent content, string description, JiraOwner owner)
    {
        var blocks = new List<AdfNode>();
        if (description.Length > 0)
        {
            blocks.Add(Paragraph(Text(description)));
        }

        blocks.Add(Paragraph(Strong("Incident: "), Link(JiraText.Titled(content.IncidentId, content.IncidentTitle), content.IncidentUrl)));
        blocks.Add(Paragraph(Strong("Postmortem: "), Link(JiraText.Titled(content.PostmortemId, content.PostmortemTitle), content.PostmortemUrl)));
        if (!string.IsNullOrWhiteSpace(content.ActionType))
        {
            blocks.Add(Paragraph(Strong("Action type: "), Text(content.ActionType)));
        }

        blocks.Add(Paragraph(Strong("Owner: "), Text(JiraDescriptions.OwnerLine(content, owner))));
        if (owner == JiraOwner.NotMatched)
        {
            blocks.Add(Paragraph(new AdfNode("text", Text: JiraDescriptions.OwnerNotMatched, Marks: [new AdfMark("em")])));
        }

        return new AdfDocument(blocks);
    }

    // ADF refuses empty text nodes, so an empty value becomes a paragraph with fewer parts.
    private static AdfNode Paragraph(params AdfNode?[] inline) =>
        new("paragraph", Content: inline.OfType<AdfNode>().ToList());

    private static AdfNode? Text(string value) => value.Length == 0 ? null : new AdfNode("text", Text: value);

    private static AdfNode Strong(string value) => new("text", Text: value, Marks: [new AdfMark("strong")]);

    private static AdfNode? Link(string value, string? url) =>
        value.Length == 0 ? null
        : string.IsNullOrWhiteSpace(url) ? Text(value)
        : new AdfNode("text", Text: value, Marks: [new AdfMark("link", new AdfMarkAttributes(url))]);
}

/// <summary>
/// The v2 (Data Center) description: a wiki-markup string with the action item's text verbatim first, then
/// where it came from. Only a description that would exceed Jira's limit is shortened, and then visibly.
/// </summary>
internal static class WikiDescription
{
    public static string Render(IssueContent content, JiraOwner owner)
    {
        var footer = Footer(content, owner);
        var room = JiraText.MaxDescriptionLength - footer.Length - 2;
        var description = content.Description.Length <= room
            ? content.Description
            : JiraText.Truncate(content.Description, room - JiraText.TruncatedNote.Length) + JiraText.TruncatedNote;
        return description.Length == 0 ? footer : description + "\n\n" + footer;
    }

    private static string Footer(IssueContent content, JiraOwner owner)
    {
        var text = new StringBuilder()
            .Append("*Incident:* ").Append(Link(JiraText.Titled(content.IncidentId, content.IncidentTitle), content.IncidentUrl)).Append('\n')
            .Append("*Postmortem:* ").Append(Link(JiraText.Titled(content.PostmortemId, content.PostmortemTitle), content.PostmortemUrl)).Append('\n');
        if (!string.IsNullOrWhiteSpace(content.ActionType))
        {
            text.Append("*Action type:* ").Append(content.ActionType).Append('\n');
        }

        text.Append("*Owner:* ").Append(JiraDescriptions.OwnerLine(content, owner));
        if (owner == JiraOwner.NotMatched)
        {
            text.Append("\n_").Append(JiraDescriptions.OwnerNotMatched).Append('_');
        }

        return text.ToString();
    }

    // '|' and ']' end a wiki link's text early; the URL itself is left alone.
    private static string Link(string text, string? url) =>
        string.IsNullOrWhiteSpace(url) ? text : $"[{text.Replace('|', '/').Replace('[', '(').Replace(']', ')')}|{url}]";
}

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
