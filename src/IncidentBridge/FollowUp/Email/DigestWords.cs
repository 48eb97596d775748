namespace IncidentBridge.FollowUp.Email;

/// <summary>The phrases the text and HTML parts share, so both say exactly the same thing.</summary>
internal static class DigestWords
{
    public const string NoTrackerIssue = "no tracker issue yet";

    public const string Footer = "IncidentBridge weekly digest";

    public const string RepeatsHeading = "Repeat incidents while follow-ups are still open";

    /// <summary>What each non-empty section holds, in reading order: "2 overdue action items, 1 action item due soon".</summary>
    public static string Summary(OwnerDigest digest) => string.Join(", ", new[]
    {
        digest.Overdue.Count > 0 ? OverdueItems(digest.Overdue.Count) : null,
        digest.DueSoon.Count > 0 ? Count(digest.DueSoon.Count, "action item", "action items") + " due soon" : null,
        digest.Escalated.Count > 0 ? Count(digest.Escalated.Count, "action item", "action items") + " escalated to you" : null,
        digest.PostmortemsOverdue.Count > 0 ? Count(digest.PostmortemsOverdue.Count, "postmortem", "postmortems") + " overdue" : null,
    }.OfType<string>());

    public static string Subject(OwnerDigest digest) => $"IncidentBridge: {Summary(digest)}";

    public static string OverdueItems(int count) => Count(count, "overdue action item", "overdue action items");

    /// <summary>The digest's sections with their headings and what each says, in reading order; empty ones are left out.</summary>
    public static IEnumerable<DigestSection> Sections(OwnerDigest digest)
    {
        if (digest.Overdue.Count > 0)
        {
            yield return new DigestSection(DigestSectionKind.Overdue, $"Overdue ({digest.Overdue.Count})", "These action items you own are past their due date.", digest.Overdue, []);
        }

        if (digest.DueSoon.Count > 0)
        {
            yield return new DigestSection(DigestSectionKind.DueSoon, $"Due soon ({digest.DueSoon.Count})", "These action items you own are due in the next few days.", digest.DueSoon, []);
        }

        if (digest.Escalated.Count > 0)
        {
            yield return new DigestSection(
                DigestSectionKind.Escalated,
                $"Escalated to you ({digest.Escalated.Count})", "These action items of people you lead are long overdue and were escalated to you.", digest.Escalated, []);
        }

        if (digest.PostmortemsOverdue.Count > 0)
        {
            yield return new DigestSection(
                DigestSectionKind.PostmortemsOverdue,
                $"Postmortems overdue ({digest.PostmortemsOverdue.Count})", "These incidents were resolved a while ago and still have no published postmortem.", [], digest.PostmortemsOverdue);
        }
    }

    public static string Due(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Overdue(int days) => Count(days, "day overdue", "days overdue");

    /// <summary>How the item stands today: days overdue, due today, or due in some days.</summary>
    public static string Standing(int daysOverdue) => daysOverdue switch
    {
        > 0 => Overdue(daysOverdue),
        0 => "due today",
        _ => "in " + Count(-daysOverdue, "day", "days"),
    };

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"resolved …, postmortem due …; none written yet" (or the unpublished postmortem's state).</summary>
    public static string PostmortemStanding(OverduePostmortem postmortem) =>
        $"resolved {Time(postmortem.ResolvedAt)}, postmortem due {Time(postmortem.DueAt)}; " +
        (postmortem.PostmortemId is null ? "none written yet" : $"{OneLine(postmortem.PostmortemId)} is still {OneLine(postmortem.PostmortemStatus ?? "unpublished")}");

    public static string Repeat(RepeatIncident repeat) =>
        $"{repeat.IncidentId} repeats {repeat.RelatedIncidentId}: {Count(repeat.OpenItems, "action item", "action items")} open, " +
        $"{repeat.OverdueItems.ToString(CultureInfo.InvariantCulture)} overdue";

    /// <summary>Descriptions come from Markdown tables and JSON: fold line breaks so one item stays one line.</summary>
    public static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Only web links become links: a tracker URL is data from outside, and <c>javascript:</c> is not a link.</summary>
    public static bool HasTrackerIssue(DigestItem item) => !string.IsNullOrWhiteSpace(item.TrackerKey);

    public static Uri? WebLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri : null;

    private static string Count(int n, string one, string many) => $"{n.ToString(CultureInfo.InvariantCulture)} {(n == 1 ? one : many)}";
}

/// <summary>One section of a digest: its heading, what it means, and its items (grouped by incident) or postmortems.</summary>
internal sealed record DigestSection(DigestSectionKind Kind, string Heading, string Intro, IReadOnlyList<DigestItem> Items, IReadOnlyList<OverduePostmortem> Postmortems);

internal enum DigestSectionKind
{
    Overdue,
    DueSoon,
    Escalated,
    PostmortemsOverdue,
}
