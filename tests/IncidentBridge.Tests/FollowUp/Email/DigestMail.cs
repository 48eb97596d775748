using System.Text.RegularExpressions;

namespace IncidentBridge.Tests.FollowUp.Email;

/// <summary>A received digest read back as its reader sees it: the sections of its plain-text part and their entries.</summary>
internal static partial class DigestMail
{
    /// <summary>
    /// (section, entry) in reading order: the section is its heading without the count ("Due soon"), the entry its line
    /// without the leading dash and without the tracker URL ("[P1] Fix the leak: due 2026-11-30, due today, tracker PAY-1").
    /// </summary>
    public static IReadOnlyList<(string Section, string Entry)> Entries(this ReceivedMail mail)
    {
        var lines = mail.Text.ReplaceLineEndings("\n").Split('\n');
        var entries = new List<(string, string)>();
        string? section = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 0 && i + 1 < lines.Length && lines[i + 1] == new string('-', line.Length))
            {
                section = Count().Replace(line, "");
            }
            else if (line.StartsWith("Repeat incidents", StringComparison.Ordinal))
            {
                section = "Repeat incidents";
            }
            else if (section is not null && line.StartsWith("  - ", StringComparison.Ordinal))
            {
                entries.Add((section, Url().Replace(line[4..], "")));
            }
        }

        return entries;
    }

    /// <summary>The one recipient of the envelope.</summary>
    public static string To(this ReceivedMail mail) => Assert.Single(mail.Recipients);

    /// <summary>The HTML part says what the text part says: every section heading and every entry's description.</summary>
    public static void AssertHtmlMatchesText(this ReceivedMail mail)
    {
        foreach (var (section, entry) in mail.Entries())
        {
            Assert.Contains($">{section} (", mail.Html, StringComparison.Ordinal);
            var description = entry[(entry.IndexOf("] ", StringComparison.Ordinal) + 2)..entry.IndexOf(':', StringComparison.Ordinal)];
            Assert.Contains(description, mail.Html, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@" \(\d+\)$")]
    private static partial Regex Count();

    [GeneratedRegex(@" https?://\S+")]
    private static partial Regex Url();
}
