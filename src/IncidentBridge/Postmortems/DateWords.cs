using System.Globalization;
using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems;

/// <summary>
/// Dates as postmortems write them: ISO (<c>2024-01-16</c>, or a full date-time as JSON clients send), and the
/// short forms tables use for due dates (<c>Jan 16</c>, <c>January 16</c>, <c>16 Jan</c>, optionally with a
/// year: <c>Jan 16, 2024</c>). A date-time keeps the calendar date it was written with, whatever its offset.
/// </summary>
internal static partial class DateWords
{
    /// <summary>Reads <paramref name="text"/>; a form without a year takes <paramref name="defaultYear"/>, or fails when that is null.</summary>
    public static bool TryParse(string? text, int? defaultYear, out DateOnly date)
    {
        date = default;
        var value = text?.Trim() ?? "";
        var iso = Iso().Match(value);
        if (iso.Success)
        {
            return (iso.Groups["time"].Length == 0 ||
                    DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)) &&
                DateOnly.TryParseExact(iso.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        }

        var written = MonthFirst().Match(value) is { Success: true } monthFirst ? monthFirst : DayFirst().Match(value);
        if (!written.Success || Month(written.Groups["month"].Value) is not { } month)
        {
            return false;
        }

        var year = written.Groups["year"].Success ? int.Parse(written.Groups["year"].Value, CultureInfo.InvariantCulture) : defaultYear;
        var day = int.Parse(written.Groups["day"].Value, CultureInfo.InvariantCulture);
        if (year is not { } known || known < 1 || known > 9999 || day < 1 || day > DateTime.DaysInMonth(known, month))
        {
            return false;
        }

        date = new DateOnly(known, month, day);
        return true;
    }

    /// <summary>1..12 for a month's name or an abbreviation of at least three letters ("Sep", "Sept", "September").</summary>
    private static int? Month(string word)
    {
        var names = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;
        var index = Array.FindIndex(names, name => name.Length > 0 && name.StartsWith(word, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index + 1;
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})(?<time>[T ].+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    [GeneratedRegex(@"^(?<month>[A-Za-z]{3,})\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?<year>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthFirst();

    [GeneratedRegex(@"^(?<day>\d{1,2})(?:st|nd|rd|th)?\s+(?<month>[A-Za-z]{3,})\.?,?(?:\s+(?<year>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DayFirst();
}
