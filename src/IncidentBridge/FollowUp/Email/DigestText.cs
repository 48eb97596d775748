using System.Text;

namespace IncidentBridge.FollowUp.Email;

/// <summary>The plain-text part: what text-only clients and most screen readers show.</summary>
internal static class DigestText
{
    public static string Render(OwnerDigest digest, IReadOnlyList<IncidentGroup> groups)
    {
        var text = new StringBuilder();
        text.Append("Hello ").Append(DigestWords.OneLine(digest.Owner)).AppendLine(",").AppendLine();
        text.Append("These action items you own are past their due date (").Append(DigestWords.OverdueItems(digest.Items.Count)).AppendLine(").");
        foreach (var group in groups)
        {
            text.AppendLine().Append(group.IncidentId).Append(' ').AppendLine(DigestWords.OneLine(group.IncidentTitle));
            foreach (var item in group.Items)
            {
                text.Append("  - [").Append(DigestWords.OneLine(item.Priority)).Append("] ").Append(DigestWords.OneLine(item.Description))
                    .Append(": due ").Append(DigestWords.Due(item.DueDate))
                    .Append(", ").Append(DigestWords.Overdue(item.DaysOverdue))
                    .Append(", ").AppendLine(Tracker(item));
            }
        }

        if (digest.RepeatIncidents.Count > 0)
        {
            text.AppendLine().AppendLine("Repeat incidents while follow-ups are still open:");
            foreach (var repeat in digest.RepeatIncidents)
            {
                text.Append("  - ").Append(DigestWords.Repeat(repeat)).Append(" (").Append(DigestWords.OneLine(repeat.Title)).AppendLine(")");
            }
        }

        return text.AppendLine().AppendLine("-- ").AppendLine("IncidentBridge weekly overdue digest").ToString();
    }

    private static string Tracker(DigestItem item)
    {
        if (!DigestWords.HasTrackerIssue(item))
        {
            return DigestWords.NoTrackerIssue;
        }

        var key = DigestWords.OneLine(item.TrackerKey ?? string.Empty);
        return string.IsNullOrWhiteSpace(item.TrackerUrl) ? $"tracker {key}" : $"tracker {key} {DigestWords.OneLine(item.TrackerUrl)}";
    }
}
