namespace IncidentBridge.FollowUp.Email;

/// <summary>The plain-text part: what text-only clients and most screen readers show.</summary>
internal static class DigestText
{
    public static string Render(OwnerDigest digest)
    {
        var text = new StringBuilder();
        text.Append("Hello ").Append(DigestWords.OneLine(digest.Owner)).AppendLine(",").AppendLine();
        text.Append("Your follow-ups this week: ").Append(DigestWords.Summary(digest)).AppendLine(".");
        foreach (var section in DigestWords.Sections(digest))
        {
            text.AppendLine().AppendLine(section.Heading).AppendLine(new string('-', section.Heading.Length)).AppendLine(section.Intro);
            foreach (var group in IncidentGroup.Of(section.Items))
            {
                text.AppendLine().Append(group.IncidentId).Append(' ').AppendLine(DigestWords.OneLine(group.IncidentTitle));
                foreach (var item in group.Items)
                {
                    text.Append("  - [").Append(DigestWords.OneLine(item.Priority)).Append("] ").Append(DigestWords.OneLine(item.Description)).Append(": ");
                    if (item.Owner is { } owner)
                    {
                        text.Append("owner ").Append(DigestWords.OneLine(owner)).Append(", ");
                    }

                    text.Append("due ").Append(DigestWords.Due(item.DueDate))
                        .Append(", ").Append(DigestWords.Standing(item.DaysOverdue))
                        .Append(", ").AppendLine(Tracker(item));
                }
            }

            if (section.Postmortems.Count > 0)
            {
                text.AppendLine();
            }

            foreach (var postmortem in section.Postmortems)
            {
                text.Append("  - [").Append(postmortem.Severity).Append("] ").Append(postmortem.IncidentId).Append(' ').Append(DigestWords.OneLine(postmortem.IncidentTitle))
                    .Append(": ").AppendLine(DigestWords.PostmortemStanding(postmortem));
            }
        }

        if (digest.RepeatIncidents.Count > 0)
        {
            text.AppendLine().Append(DigestWords.RepeatsHeading).AppendLine(":");
            foreach (var repeat in digest.RepeatIncidents)
            {
                text.Append("  - ").Append(DigestWords.Repeat(repeat)).Append(" (").Append(DigestWords.OneLine(repeat.Title)).AppendLine(")");
            }
        }

        return text.AppendLine().AppendLine("-- ").AppendLine(DigestWords.Footer).ToString();
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
