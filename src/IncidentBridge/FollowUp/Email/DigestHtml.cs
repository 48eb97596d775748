using System.Net;

namespace IncidentBridge.FollowUp.Email;

/// <summary>
/// The HTML part. Every value (descriptions, titles, owner names, tracker keys and URLs) is written through
/// <see cref="WebUtility.HtmlEncode(string)"/>: they come from postmortems anyone can edit, and an e-mail client renders them.
/// Styles are inline: most e-mail clients drop a <c>&lt;style&gt;</c> block.
/// </summary>
internal static class DigestHtml
{
    private const string Muted = "color: #5e6c84";

    public static string Render(OwnerDigest digest)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>")
            .Append("<html><head><meta charset=\"utf-8\"><title>").Append(E(DigestWords.Subject(digest))).AppendLine("</title></head>")
            .AppendLine("<body style=\"margin: 0; padding: 16px; background: #f4f5f7; font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #172b4d\">")
            .AppendLine("<div style=\"max-width: 720px; margin: 0 auto; padding: 8px 24px 16px; background: #ffffff; border-radius: 6px\">")
            .Append("<p>Hello ").Append(E(digest.Owner)).AppendLine(",</p>")
            .Append("<p>Your follow-ups this week: <strong>").Append(E(DigestWords.Summary(digest))).AppendLine("</strong>.</p>");
        foreach (var section in DigestWords.Sections(digest))
        {
            html.Append("<h2 style=\"font-size: 17px; margin: 24px 0 4px; padding-bottom: 4px; border-bottom: 3px solid ").Append(Accent(section)).Append("\">")
                .Append(E(section.Heading)).AppendLine("</h2>")
                .Append("<p style=\"").Append(Muted).Append("; margin-top: 4px\">").Append(E(section.Intro)).AppendLine("</p>");
            foreach (var group in IncidentGroup.Of(section.Items))
            {
                html.Append("<h3 style=\"font-size: 14px; margin: 12px 0 4px\">").Append(E(group.IncidentId)).Append(' ').Append(E(group.IncidentTitle)).AppendLine("</h3>")
                    .AppendLine("<ul style=\"margin-top: 4px\">");
                foreach (var item in group.Items)
                {
                    html.Append("<li><strong>").Append(E(item.Priority)).Append("</strong> ").Append(E(item.Description)).Append(": ");
                    if (item.Owner is { } owner)
                    {
                        html.Append("owner <strong>").Append(E(owner)).Append("</strong>, ");
                    }

                    html.Append("due ").Append(DigestWords.Due(item.DueDate))
                        .Append(", <strong>").Append(E(DigestWords.Standing(item.DaysOverdue))).Append("</strong>, ")
                        .Append(Tracker(item)).AppendLine("</li>");
                }

                html.AppendLine("</ul>");
            }

            if (section.Postmortems.Count > 0)
            {
                html.AppendLine("<ul style=\"margin-top: 4px\">");
                foreach (var postmortem in section.Postmortems)
                {
                    html.Append("<li><strong>").Append(E(postmortem.Severity)).Append("</strong> ").Append(E(postmortem.IncidentId)).Append(' ').Append(E(postmortem.IncidentTitle))
                        .Append(": ").Append(E(DigestWords.PostmortemStanding(postmortem))).AppendLine("</li>");
                }

                html.AppendLine("</ul>");
            }
        }

        if (digest.RepeatIncidents.Count > 0)
        {
            html.Append("<h2 style=\"font-size: 17px; margin: 24px 0 4px\">").Append(E(DigestWords.RepeatsHeading)).AppendLine("</h2>").AppendLine("<ul>");
            foreach (var repeat in digest.RepeatIncidents)
            {
                html.Append("<li>").Append(E(DigestWords.Repeat(repeat))).Append(" (").Append(E(repeat.Title)).AppendLine(")</li>");
            }

            html.AppendLine("</ul>");
        }

        return html.Append("<p style=\"").Append(Muted).Append("; margin-top: 24px; font-size: 12px\">").Append(E(DigestWords.Footer)).AppendLine("</p>")
            .AppendLine("</div>").AppendLine("</body></html>").ToString();
    }

    /// <summary>A colour per section, so a reader finds "overdue" and "escalated" at a glance.</summary>
    private static string Accent(DigestSection section) => section.Kind switch
    {
        DigestSectionKind.Overdue => "#de350b",
        DigestSectionKind.DueSoon => "#ff991f",
        DigestSectionKind.Escalated => "#6554c0",
        _ => "#0052cc",
    };

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
