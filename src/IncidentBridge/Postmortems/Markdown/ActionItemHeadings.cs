using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// Which headings and bold labels start a section of action items: "Action Items", "Follow-up actions", "Follow-ups",
/// "Next steps", "Immediate Actions (Within 24 Hours)", "7. Action Items & Follow-ups". The words must name the items
/// themselves, with at most a word saying which ones: lessons write about action items too ("Effective Action Items",
/// "Action Item Types", "Follow-up Process"), and a bare "Follow-up" heads notes on how items are followed up.
/// </summary>
internal static partial class ActionItemHeadings
{
    public static bool Names(string heading) => Pattern().IsMatch(Key(heading));

    /// <summary>Lower case, without numbering, emoji, a parenthesised aside or a trailing colon; dashes as hyphens.</summary>
    private static string Key(string heading)
    {
        var key = MarkdownText.Key(Aside().Replace(heading, " ")).Replace('–', '-').Replace('—', '-');
        return Edges().Replace(key, "");
    }

    [GeneratedRegex(@"\([^)]*\)", RegexOptions.CultureInvariant)]
    private static partial Regex Aside();

    [GeneratedRegex(@"^[^\p{L}]+|[^\p{L}]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Edges();

    private const string Which =
        @"immediate|short[- ]term|medium[- ]term|mid[- ]term|long[- ]term|corrective|preventive|preventative|follow[- ]?up|open|" +
        @"outstanding|pending|remaining|key|new|planned|proposed|recommended|our|postmortem|post[- ]mortem|post[- ]incident|incident";

    private const string Items =
        @"action items?|actions|follow[- ]?ups|follow[- ]?up (?:actions|action items|items|tasks)|next steps|" +
        @"remediations?(?: items| actions| tasks| plan)?|to[- ]?dos?|to do";

    [GeneratedRegex(@"^(?:(?:" + Which + @") )?(?:" + Items + @")(?: (?:and|&) (?:(?:" + Which + @") )?(?:" + Items + @"))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
