using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems;

/// <summary>
/// The kinds of item key. An item's key (<c>item_key</c>, shown as <c>key</c>) is the author's id when given; an
/// item without one gets <c>k&lt;n&gt;</c> when it first appears and keeps it, however the postmortem is renumbered
/// or reworded later. Earlier versions keyed items by their Markdown <c>#</c> cell (plain numbers) or by a hash of
/// the description (<c>d-</c> and 16 hex digits); items stored that way keep those keys.
/// </summary>
internal static partial class ActionItemKeys
{
    /// <summary>A cell such as <c>3</c>, <c>#3</c> or <c>3.</c>: the row's number in the table, which says nothing about which action it is.</summary>
    public static bool IsRowNumber(string text) => RowNumber().IsMatch(text.Trim());

    /// <summary>A key IncidentBridge made up (now or in an earlier version), as opposed to one the author wrote.</summary>
    public static bool IsGenerated(string key) => Generated().IsMatch(key) || DescriptionHash().IsMatch(key);

    /// <summary>
    /// A key the author chose, such as <c>AI-3</c>: the item is only ever recognised by it or by its exact text.
    /// Plain numbers are not counted as chosen: older versions stored Markdown row numbers as keys.
    /// </summary>
    public static bool IsAuthorId(string key) => !IsGenerated(key) && !StoredNumber().IsMatch(key);

    /// <summary>The n of a key <c>k&lt;n&gt;</c>, or 0 for any other key.</summary>
    public static long GeneratedNumber(string key) =>
        Generated().Match(key) is { Success: true } match && long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static string Generate(long n) => "k" + n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text reduced for matching: lower case, single spaces, trimmed (a re-wrapped or re-cased line is the same line).</summary>
    public static string Canonical(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    [GeneratedRegex(@"^#?\d+\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex RowNumber();

    [GeneratedRegex(@"^\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex StoredNumber();

    [GeneratedRegex(@"^k(\d{1,18})$", RegexOptions.CultureInvariant)]
    private static partial Regex Generated();

    [GeneratedRegex(@"^d-[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex DescriptionHash();
}
