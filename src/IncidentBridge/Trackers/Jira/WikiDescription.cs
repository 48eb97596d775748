using System.Text;

namespace IncidentBridge.Trackers.Jira;

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
