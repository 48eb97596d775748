using System.Text.Json;

namespace IncidentBridge.Trackers.Jira;

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
