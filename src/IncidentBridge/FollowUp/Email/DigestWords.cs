using System.Globalization;

namespace IncidentBridge.FollowUp.Email;

/// <summary>The phrases the text and HTML parts share, so both say exactly the same thing.</summary>
internal static class DigestWords
{
    public const string NoTrackerIssue = "no tracker issue yet";

    public static string Subject(int count) => $"IncidentBridge: {OverdueItems(count)}";

    public static string OverdueItems(int count) => Count(count, "overdue action item", "overdue action items");

    public static string Due(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Overdue(int days) => Count(days, "day overdue", "days overdue");

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
