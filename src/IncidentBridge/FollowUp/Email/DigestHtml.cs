using System.Net;
using System.Text;

namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// The HTML part. Every value (descriptions, titles, owner names, tracker keys and URLs) is written through
/// <see cref="WebUtility.HtmlEncode(string)"/>: they come from postmortems anyone can edit, and an e-mail client renders them.
/// </summary>
internal static class DigestHtml
{
    public static string Render(OwnerDigest digest, IReadOnlyList<IncidentGroup> groups)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>")
            .Append("<html><head><meta charset=\"utf-8\"><title>").Append(E(DigestWords.Subject(digest.Items.Count))).AppendLine("</title></head>")
            .AppendLine("<body style=\"font-family: sans-serif\">")
            .Append("<p>Hello ").Append(E(digest.Owner)).AppendLine(",</p>")
            .Append("<p>These action items you own are past their due date (").Append(E(DigestWords.OverdueItems(digest.Items.Count))).AppendLine(").</p>");
        foreach (var group in groups)
        {
            html.Append("<h3>").Append(E(group.IncidentId)).Append(' ').Append(E(group.IncidentTitle)).AppendLine("</h3>").AppendLine("<ul>");
            foreach (var item in group.Items)
            {
                html.Append("<li><strong>").Append(E(item.Priority)).Append("</strong> ").Append(E(item.Description))
                    .Append(": due ").Append(DigestWords.Due(item.DueDate))
                    .Append(", <strong>").Append(DigestWords.Overdue(item.DaysOverdue)).Append("</strong>, ")
                    .Append(Tracker(item)).AppendLine("</li>");
            }

            html.AppendLine("</ul>");
        }

        if (digest.RepeatIncidents.Count > 0)
        {
            html.AppendLine("<h3>Repeat incidents while follow-ups are still open</h3>").AppendLine("<ul>");
            foreach (var repeat in digest.RepeatIncidents)
            {
                html.Append("<li>").Append(E(DigestWords.Repeat(repeat))).Append(" (").Append(E(repeat.Title)).AppendLine(")</li>");
            }

            html.AppendLine("</ul>");
        }

        return html.AppendLine("<p style=\"color: #666\">IncidentBridge weekly overdue digest</p>").AppendLine("</body></html>").ToString();
    }

    private static string Tracker(DigestItem item)
    {
        if (!DigestWords.HasTrackerIssue(item))
        {
            return "<em>" + DigestWords.NoTrackerIssue + "</em>";
        }

        var key = E(item.TrackerKey);
        return DigestWords.WebLink(item.TrackerUrl) is { } link
            ? $"tracker <a href=\"{E(link.AbsoluteUri)}\">{key}</a>"
            : $"tracker {key}" + (string.IsNullOrWhiteSpace(item.TrackerUrl) ? string.Empty : " " + E(item.TrackerUrl));
    }

    private static string E(string? value) => WebUtility.HtmlEncode(DigestWords.OneLine(value ?? string.Empty));
}
